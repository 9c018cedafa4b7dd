// Load-time constant folding: the torch "dynamic reshape" chain, Slice clamping, and each folded op.
// Expected values are worked out by hand from the ONNX operator definitions.

import Foundation
import Testing
@testable import ONNXFormat

struct ConstantFoldingTests {
  typealias B = ModelBuilding

  @Test func shapeGatherUnsqueezeConcatReshapeFoldsToAConstantShape() throws {
    // r = Relu(x), x [2, 3, 4]; y = Reshape(r, Concat(Unsqueeze(Gather(Shape(r), 0), [0]), [-1]))
    // Shape(r) = [2, 3, 4]; Gather index 0 -> 2 (scalar); Unsqueeze -> [2]; Concat -> [2, -1].
    let model = B.model(
      nodes: [
        B.node("Relu", ["x"], ["r"], name: "relu"),
        B.node("Shape", ["r"], ["s"]),
        B.node("Gather", ["s", "zero"], ["g"], attributes: [B.intAttribute("axis", 0)]),
        B.node("Unsqueeze", ["g", "axes0"], ["u"]),
        B.node("Concat", ["u", "minusOne"], ["c"], attributes: [B.intAttribute("axis", 0)]),
        B.node("Reshape", ["r", "c"], ["y"], name: "reshape"),
      ],
      initializers: [
        B.int64Tensor("zero", dims: [], values: [0]), B.int64Tensor("axes0", dims: [1], values: [0]),
        B.int64Tensor("minusOne", dims: [1], values: [-1]),
      ],
      inputs: [B.valueInfo("x", dims: [2, 3, 4])], outputs: [B.valueInfo("y", dims: [2, 12])],
      valueInfo: [B.valueInfo("r", dims: [2, 3, 4])])
    let graph = try B.load(model)
    #expect(graph.nodes.map(\.name) == ["relu", "reshape"])
    #expect(graph.constants["s"] == ONNXConstant(shape: [3], int64s: [2, 3, 4]))
    #expect(graph.constants["g"] == ONNXConstant(shape: [], int64s: [2]))
    #expect(graph.constants["c"] == ONNXConstant(shape: [2], int64s: [2, -1]))
  }

  @Test func shapeOfAnActivationWithAnUnknownDimIsNotFolded() throws {
    let model = B.model(
      nodes: [B.node("Shape", ["x"], ["s"], name: "shape")],
      inputs: [B.valueInfo("x", dims: [nil, 3])], outputs: [B.valueInfo("s", dims: [2])])
    #expect(try B.load(model).nodes.map(\.name) == ["shape"])
  }

  /// Folds a single node `op(inputs)` whose inputs are the given initializers; returns output "out".
  func fold(_ op: String, _ initializers: [Onnx_TensorProto], inputNames: [String]? = nil,
            attributes: [Onnx_AttributeProto] = [], limits: ONNXLoadLimits = .default) throws -> ONNXConstant? {
    let model = B.model(
      nodes: [B.node(op, inputNames ?? initializers.map(\.name), ["out"], name: "op", attributes: attributes), B.node("Relu", ["x"], ["y"])],
      initializers: initializers, inputs: [B.valueInfo("x", dims: [1])],
      outputs: [B.valueInfo("y", dims: [1]), B.valueInfo("out", dims: [])])
    let graph = try B.load(model, limits: limits)
    #expect(graph.nodes.map(\.opType) == ["Relu"])
    return graph.constants["out"]
  }

  func ints(_ name: String, _ values: [Int64], dims: [Int64]? = nil) -> Onnx_TensorProto {
    B.int64Tensor(name, dims: dims ?? [Int64(values.count)], values: values)
  }

  @Test func sliceClampsHugeEndsAndHandlesNegativeSteps() throws {
    let data = ints("data", Array(0..<10))
    // starts -3, ends INT64_MAX -> [7, 8, 9]
    #expect(try fold("Slice", [data, ints("s", [-3]), ints("e", [Int64.max])]) == .vector([7, 8, 9]))
    // starts -1, ends INT64_MIN, step -3 -> 9, 6, 3, 0
    #expect(try fold("Slice", [data, ints("s", [-1]), ints("e", [Int64.min]), ints("a", [0]), ints("st", [-3])])
      == .vector([9, 6, 3, 0]))
    // Steps of INT64_MAX / INT64_MIN take one element and must not overflow.
    #expect(try fold("Slice", [data, ints("s", [2]), ints("e", [9]), ints("a", [0]), ints("st", [Int64.max])]) == .vector([2]))
    #expect(try fold("Slice", [data, ints("s", [8]), ints("e", [1]), ints("a", [0]), ints("st", [Int64.min])]) == .vector([8]))
    // 2-D [3, 4] = 0...11, axis 1 from 1 to 3, omitted axes input keeps position for steps.
    let matrix = ints("m", Array(0..<12), dims: [3, 4])
    #expect(try fold("Slice", [matrix, ints("s", [1]), ints("e", [3]), ints("a", [-1])])
      == ONNXConstant(shape: [3, 2], int64s: [1, 2, 5, 6, 9, 10]))
    #expect(try fold("Slice", [matrix, ints("s", [0]), ints("e", [2]), ints("st", [2])], inputNames: ["m", "s", "e", "", "st"])
      == ONNXConstant(shape: [1, 4], int64s: [0, 1, 2, 3]))
  }

  @Test func identityFoldsOnInitializersButStaysOnActivations() throws {
    let model = B.model(
      nodes: [B.node("Identity", ["w"], ["w2"]), B.node("Identity", ["x"], ["y"], name: "keep")],
      initializers: [B.floatTensor("w", dims: [2], floatData: [1, 2])],
      inputs: [B.valueInfo("x", dims: [2])], outputs: [B.valueInfo("y", dims: [2])])
    let graph = try B.load(model)
    #expect(graph.nodes.map(\.name) == ["keep"])
    #expect(graph.constants["w2"] == ONNXConstant(shape: [2], floats: [1, 2]))
  }

  @Test func constantNodesBecomeConstants() throws {
    #expect(try fold("Constant", [], attributes: [B.intsAttribute("value_ints", [3, -1])]) == .vector([3, -1]))
    let tensor = B.floatTensor("", dims: [1, 2], floatData: [0.5, 1.5])
    #expect(try fold("Constant", [], attributes: [B.tensorAttribute("value", tensor)])
      == ONNXConstant(shape: [1, 2], floats: [0.5, 1.5]))
  }

  @Test func castConstantOfShapeAndRange() throws {
    let floats = B.floatTensor("f", dims: [3], floatData: [1.9, -1.9, 0])
    #expect(try fold("Cast", [floats], attributes: [B.intAttribute("to", 7)]) == .vector([1, -1, 0]))
    #expect(try fold("Cast", [floats], attributes: [B.intAttribute("to", 9)]) == .vector([1, 1, 0]))
    #expect(try fold("Cast", [ints("i", [2, 5])], attributes: [B.intAttribute("to", 1)]) == ONNXConstant(shape: [2], floats: [2, 5]))

    let seven = B.int64Tensor("", dims: [1], values: [7])
    #expect(try fold("ConstantOfShape", [ints("shape", [2, 2])], attributes: [B.tensorAttribute("value", seven)])
      == ONNXConstant(shape: [2, 2], int64s: [7, 7, 7, 7]))
    #expect(try fold("ConstantOfShape", [ints("shape", [3])]) == ONNXConstant(shape: [3], floats: [0, 0, 0]))

    // Range(1, 10, 3) = 1, 4, 7; Range(5, 0, -2) = 5, 3, 1.
    #expect(try fold("Range", [ints("a", [1], dims: []), ints("b", [10], dims: []), ints("c", [3], dims: [])]) == .vector([1, 4, 7]))
    #expect(try fold("Range", [ints("a", [5], dims: []), ints("b", [0], dims: []), ints("c", [-2], dims: [])]) == .vector([5, 3, 1]))
    // Range(0, INT64_MIN, -1): the count does not even fit in an Int64; refused, not a trap.
    #expect(formatError { _ = try fold("Range", [ints("a", [0], dims: []), ints("b", [Int64.min], dims: []), ints("c", [-1], dims: [])]) }
      .map { if case .foldingFailed = $0.kind { true } else { false } } == true)
  }

  @Test func integerArithmeticBroadcasts() throws {
    let row = ints("row", [1, 2, 3], dims: [1, 3])
    let column = ints("col", [10, 20], dims: [2, 1])
    #expect(try fold("Add", [row, column]) == ONNXConstant(shape: [2, 3], int64s: [11, 12, 13, 21, 22, 23]))
    #expect(try fold("Mul", [row, column]) == ONNXConstant(shape: [2, 3], int64s: [10, 20, 30, 20, 40, 60]))
    #expect(try fold("Sub", [ints("a", [5, -5]), ints("b", [7], dims: [])]) == .vector([-2, -12]))
    // Integer Div truncates toward zero: -7 / 2 = -3.
    #expect(try fold("Div", [ints("a", [7, -7]), ints("b", [2], dims: [])]) == .vector([3, -3]))
  }

  @Test func equalWhereSqueezeFlattenAndExpand() throws {
    #expect(try fold("Equal", [ints("a", [1, 2, 3]), ints("b", [2], dims: [])]) == .vector([0, 1, 0]))
    let condition = ints("c", [1, 0, 1])
    #expect(try fold("Where", [condition, ints("x", [1, 2, 3]), ints("other", [-1], dims: [])]) == .vector([1, -1, 3]))
    #expect(try fold("Squeeze", [ints("d", [4, 5], dims: [1, 2, 1]), ints("ax", [0])])
      == ONNXConstant(shape: [2, 1], int64s: [4, 5]))
    #expect(try fold("Flatten", [ints("d", Array(0..<6), dims: [1, 2, 3])], attributes: [B.intAttribute("axis", 2)])?.shape == [2, 3])
    #expect(try fold("Expand", [ints("d", [1, 2], dims: [2, 1]), ints("s", [2, 3])])
      == ONNXConstant(shape: [2, 3], int64s: [1, 1, 1, 2, 2, 2]))
  }

  @Test func foldingErrorsNameTheNode() {
    let error = formatError { _ = try fold("Reshape", [ints("d", Array(0..<6)), ints("s", [4])]) }
    guard case .foldingFailed(let node, let op, _)? = error?.kind else {
      Issue.record("expected a folding error, got \(String(describing: error))")
      return
    }
    #expect(node == "op")
    #expect(op == "Reshape")

    let limits = ONNXLoadLimits(maxFileBytes: 1 << 20, maxElements: 1000)
    let huge = formatError { _ = try fold("ConstantOfShape", [ints("shape", [1 << 20, 1 << 20])], limits: limits) }
    #expect(huge?.description.contains("more than the limit of 1000") == true)
    // Gather of 40 rows x 40 indices = 1600 elements from a 40-element input.
    let gathered = formatError {
      _ = try fold("Gather", [ints("d", Array(0..<40), dims: [40, 1]), ints("i", [Int64](repeating: 0, count: 40), dims: [40, 1])],
                   attributes: [B.intAttribute("axis", 1)], limits: limits)
    }
    #expect(gathered?.description.contains("1600 elements, more than the limit of 1000") == true)
  }
}
