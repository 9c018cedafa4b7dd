// Hostile inputs to every folded op: random small shapes, values, axes and attributes. Each load
// must give a graph or an ONNXFormatError; a trap (index out of range, overflow) would crash the
// test process, and any other error type fails the expectation.

import Foundation
import Testing
@testable import ONNXFormat

struct FoldingRobustnessTests {
  typealias B = ModelBuilding

  /// xorshift64: fixed seed, same sequence on every run.
  struct Random {
    var state: UInt64
    mutating func next() -> UInt64 {
      state ^= state << 13
      state ^= state >> 7
      state ^= state << 17
      return state
    }
    mutating func int(_ range: ClosedRange<Int>) -> Int {
      range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }
    /// Mostly small values, sometimes the extremes that clamping and overflow checks must handle.
    mutating func interesting() -> Int64 {
      switch int(0...9) {
      case 0: return Int64.max
      case 1: return Int64.min
      case 2: return Int64(int(-1000...1000))
      default: return Int64(int(-4...4))
      }
    }
  }

  func randomTensor(_ name: String, _ random: inout Random, floating: Bool) -> Onnx_TensorProto {
    let dims = (0..<random.int(0...3)).map { _ in Int64(random.int(0...3)) }
    let count = dims.reduce(1, *)
    if floating {
      return B.floatTensor(name, dims: dims, floatData: (0..<count).map { _ in Float(random.interesting() % 100) / 4 })
    }
    return B.int64Tensor(name, dims: dims, values: (0..<count).map { _ in random.interesting() })
  }

  @Test func randomFoldedOpsThrowOnlyFormatErrors() {
    var random = Random(state: 0xDEAD_BEEF_CAFE_F00D)
    let ops = ConstantFolder.foldableOps.sorted()
    var outcomes = (loaded: 0, refused: 0)
    for _ in 0..<1500 {
      let op = ops[random.int(0...(ops.count - 1))]
      let inputCount = op == "Constant" ? 0 : random.int(1...5)
      let initializers = (0..<inputCount).map { randomTensor("in\($0)", &random, floating: random.int(0...3) == 0) }
      var names = initializers.map(\.name)
      if !names.isEmpty, random.int(0...4) == 0 { names[random.int(0...(names.count - 1))] = "" }
      var attributes: [Onnx_AttributeProto] = []
      for name in ["axis", "start", "end", "to", "allowzero"] where random.int(0...2) == 0 {
        attributes.append(B.intAttribute(name, random.interesting()))
      }
      if random.int(0...3) == 0 { attributes.append(B.intsAttribute("axes", (0..<random.int(0...3)).map { _ in random.interesting() })) }
      if random.int(0...3) == 0 { attributes.append(B.tensorAttribute("value", randomTensor("", &random, floating: random.int(0...1) == 0))) }
      if random.int(0...3) == 0 { attributes.append(B.intsAttribute("value_ints", [random.interesting()])) }

      let model = B.model(
        nodes: [B.node(op, names, ["out"], name: "fuzzed", attributes: attributes)],
        initializers: initializers, inputs: [], outputs: [B.valueInfo("out", dims: [])])
      let limits = ONNXLoadLimits(maxFileBytes: 1 << 20, maxElements: 10_000)
      do {
        _ = try B.load(model, limits: limits)
        outcomes.loaded += 1
      } catch is ONNXFormatError {
        outcomes.refused += 1
      } catch {
        Issue.record("\(op) threw a non-ONNXFormatError: \(error)")
      }
    }
    // Both outcomes must occur, or the generator is not exercising the ops.
    #expect(outcomes.loaded > 100)
    #expect(outcomes.refused > 100)
  }
}
