// Load-time folding of the element-wise math, comparisons, masks and the movement ops torch exports
// compute from shapes (attention scales, TF-"same" pads, Swin masks). Expected values worked out by
// hand from the ONNX operator definitions.

import Foundation
import Testing
@testable import ONNXFormat

struct MathFoldingTests {
  typealias B = ModelBuilding
  let folding = ConstantFoldingTests()

  func ints(_ name: String, _ values: [Int64], dims: [Int64]? = nil) -> Onnx_TensorProto {
    B.int64Tensor(name, dims: dims ?? [Int64(values.count)], values: values)
  }

  func floats(_ name: String, _ values: [Float], dims: [Int64]? = nil) -> Onnx_TensorProto {
    B.floatTensor(name, dims: dims ?? [Int64(values.count)], floatData: values)
  }

  @Test func attentionScaleFromAShape() throws {
    // TorchScript's SDPA scale: 1 / sqrt(Cast(head_dim)) with head_dim 64 -> 0.125; Sqrt(0.125) both sides.
    #expect(try folding.fold("Sqrt", [floats("d", [64, 2.25])]) == ONNXConstant(shape: [2], floats: [8, 1.5]))
    #expect(try folding.fold("Div", [floats("one", [1], dims: []), floats("d", [8])]) == ONNXConstant(shape: [1], floats: [0.125]))
    #expect(try folding.fold("Reciprocal", [floats("d", [4, -0.5])]) == ONNXConstant(shape: [2], floats: [0.25, -2]))
    #expect(try folding.fold("Mul", [floats("a", [1.5, 2]), floats("b", [2], dims: [])]) == ONNXConstant(shape: [2], floats: [3, 4]))
  }

  @Test func roundingAndSignsKeepTheirType() throws {
    let values = floats("f", [1.5, -1.5, 2.5, -0.2])
    #expect(try folding.fold("Ceil", [values]) == ONNXConstant(shape: [4], floats: [2, -1, 3, -0]))
    #expect(try folding.fold("Floor", [values]) == ONNXConstant(shape: [4], floats: [1, -2, 2, -1]))
    #expect(try folding.fold("Round", [values]) == ONNXConstant(shape: [4], floats: [2, -2, 2, -0]))  // half to even
    #expect(try folding.fold("Abs", [ints("i", [-3, 4, .min])]) == .vector([3, 4, Int(Int64.min)]))
    #expect(try folding.fold("Neg", [ints("i", [-3, 4])]) == .vector([3, -4]))
    #expect(try folding.fold("Sign", [values]) == ONNXConstant(shape: [4], floats: [1, -1, 1, -1]))
    // Sqrt is defined on floating types only: an int64 Sqrt stays a node (fold returns nil inside).
    #expect(FoldMathOps.unary("Sqrt", ONNXConstant(shape: [1], int64s: [4])) == nil)
  }

  @Test func modFollowsTheDivisorUnlessFmod() throws {
    // fmod 0 (integers): sign of the divisor, 7 mod -3 = -2, -7 mod 3 = 2; fmod 1: sign of the dividend.
    #expect(try folding.fold("Mod", [ints("a", [7, -7, 6]), ints("b", [-3, 3, 3])]) == .vector([-2, 2, 0]))
    #expect(try folding.fold("Mod", [ints("a", [7, -7]), ints("b", [-3, 3])], attributes: [B.intAttribute("fmod", 1)]) == .vector([1, -1]))
    #expect(try folding.fold("Mod", [floats("a", [5.5, -5.5]), floats("b", [2], dims: [])], attributes: [B.intAttribute("fmod", 1)])
      == ONNXConstant(shape: [2], floats: [1.5, -1.5]))
    #expect(formatError { _ = try folding.fold("Mod", [ints("a", [1]), ints("b", [0])]) }?.description.contains("Mod by zero") == true)
  }

  @Test func comparisonsAndLogicGiveBooleans() throws {
    let a = floats("a", [1, 2, 3]), b = floats("b", [2], dims: [])
    #expect(try folding.fold("Less", [a, b]) == .vector([1, 0, 0]))
    #expect(try folding.fold("LessOrEqual", [a, b]) == .vector([1, 1, 0]))
    #expect(try folding.fold("Greater", [a, b]) == .vector([0, 0, 1]))
    #expect(try folding.fold("GreaterOrEqual", [a, b]) == .vector([0, 1, 1]))
    let p = ints("p", [1, 1, 0, 0]), q = ints("q", [1, 0, 1, 0])
    #expect(try folding.fold("And", [p, q]) == .vector([1, 0, 0, 0]))
    #expect(try folding.fold("Or", [p, q]) == .vector([1, 1, 1, 0]))
    #expect(try folding.fold("Xor", [p, q]) == .vector([0, 1, 1, 0]))
    #expect(try folding.fold("Not", [p]) == .vector([0, 0, 1, 1]))
  }

  @Test func variadicMinMaxSumAndPow() throws {
    #expect(try folding.fold("Max", [ints("a", [1, 9]), ints("b", [5], dims: []), ints("c", [3, 3])]) == .vector([5, 9]))
    #expect(try folding.fold("Min", [floats("a", [1, 9]), floats("b", [5], dims: [])]) == ONNXConstant(shape: [2], floats: [1, 5]))
    #expect(try folding.fold("Sum", [ints("a", [1, 2]), ints("b", [10, 20])]) == .vector([11, 22]))
    #expect(try folding.fold("Pow", [floats("a", [2, 9]), floats("b", [0.5], dims: [])])
      == ONNXConstant(shape: [2], floats: [Float(2).squareRoot(), 3]))
    #expect(try folding.fold("Pow", [ints("a", [3, -2]), ints("b", [3], dims: [])]) == .vector([27, -8]))
  }

  @Test func transposeTileScatterAndReductions() throws {
    let matrix = ints("m", [0, 1, 2, 3, 4, 5], dims: [2, 3])
    #expect(try folding.fold("Transpose", [matrix]) == ONNXConstant(shape: [3, 2], int64s: [0, 3, 1, 4, 2, 5]))
    #expect(try folding.fold("Tile", [ints("d", [1, 2]), ints("r", [3])]) == .vector([1, 2, 1, 2, 1, 2]))
    #expect(try folding.fold("Tile", [matrix, ints("r", [1, 2])])
      == ONNXConstant(shape: [2, 6], int64s: [0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5]))
    // ScatterND into zeros [2, 3]: element [1, 2] <- 7 and [0, -3] = [0, 0] <- 8; then row [1] <- [4, 5, 6].
    #expect(try folding.fold("ScatterND", [ints("z", [0, 0, 0, 0, 0, 0], dims: [2, 3]), ints("i", [1, 2, 0, -3], dims: [2, 2]),
                                           ints("u", [7, 8])])
      == ONNXConstant(shape: [2, 3], int64s: [8, 0, 0, 0, 0, 7]))
    #expect(try folding.fold("ScatterND", [ints("z", [0, 0, 0, 0, 0, 0], dims: [2, 3]), ints("i", [1], dims: [1, 1]),
                                           ints("u", [4, 5, 6], dims: [1, 3])])
      == ONNXConstant(shape: [2, 3], int64s: [0, 0, 0, 4, 5, 6]))
    #expect(try folding.fold("ReduceProd", [ints("s", [2, 3, 4])], attributes: [B.intAttribute("keepdims", 0)])
      == ONNXConstant(shape: [], int64s: [24]))
    #expect(try folding.fold("ReduceSum", [matrix, ints("axes", [1])]) == ONNXConstant(shape: [2, 1], int64s: [3, 12]))
    #expect(try folding.fold("ReduceMax", [matrix], attributes: [B.intsAttribute("axes", [0]), B.intAttribute("keepdims", 0)])
      == .vector([3, 4, 5]))
    #expect(formatError { _ = try folding.fold("Tile", [ints("d", [1, 2]), ints("r", [.max])]) } != nil)
    #expect(formatError { _ = try folding.fold("ScatterND", [ints("z", [0, 0]), ints("i", [2], dims: [1, 1]), ints("u", [1])]) }?
      .description.contains("out of range") == true)
  }

  @Test func batchNormalizationOfConstantsInTrainingMode() throws {
    // NFNet weight standardisation: X [1, 2, 2] = channel 0 [1, 3], channel 1 [2, 6]; training_mode 1 uses
    // the batch statistics μ = [2, 4], σ² = [1, 4]; scale [1, 2], bias [0, 1], ε = 0:
    // y = [-1, 1] and 2·[-1, 1] + 1 = [-1, 3]; running mean with momentum 0.5 from [0, 0]: [1, 2].
    let model = B.model(
      nodes: [B.node("BatchNormalization", ["x0", "scale", "bias", "mean", "var"], ["y", "running_mean", "running_var"], name: "bn",
                     attributes: [B.intAttribute("training_mode", 1), floatAttribute("epsilon", 0), floatAttribute("momentum", 0.5)]),
              B.node("Relu", ["x"], ["r"])],
      initializers: [floats("x0", [1, 3, 2, 6], dims: [1, 2, 2]), floats("scale", [1, 2]), floats("bias", [0, 1]),
                     floats("mean", [0, 0]), floats("var", [1, 1])],
      inputs: [B.valueInfo("x", dims: [1])], outputs: [B.valueInfo("r", dims: [1]), B.valueInfo("y", dims: [])])
    let graph = try B.load(model)
    #expect(graph.nodes.map(\.opType) == ["Relu"])
    #expect(graph.constants["y"] == ONNXConstant(shape: [1, 2, 2], floats: [-1, 1, -1, 3]))
    #expect(graph.constants["running_mean"] == ONNXConstant(shape: [2], floats: [1, 2]))
  }

  func floatAttribute(_ name: String, _ value: Float) -> Onnx_AttributeProto {
    var attribute = Onnx_AttributeProto()
    attribute.name = name
    attribute.type = .float
    attribute.f = value
    return attribute
  }
}
