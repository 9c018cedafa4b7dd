import Engine
import ONNXFormat

/// One node being imported, with typed access to its attributes, its constant inputs (initializers
/// and everything folded so far) and the inferred shapes of its inputs.
struct NodeContext {
  let node: ONNXNode
  let graph: ONNXGraph
  let constants: [String: ONNXConstant]
  let tracking: BatchTracking
  /// Which of a reshape's possible batch dimensions to take (0: the preferred one).
  var batchChoice: Int = 0

  var opset: Int { graph.opsetVersion }

  /// The shape of input `index` at the declared batch, inferred while building.
  func inputShape(_ index: Int) throws -> [Int] {
    guard let name = inputName(index), let shape = tracking.shapes0[name] else { throw error("the shape of input \(index) is unknown") }
    return shape
  }

  func error(_ message: String) -> ONNXImportError {
    ONNXImportError("node '\(node.name)' (\(node.opType)): \(message)")
  }

  /// Name of input `index`, or nil when absent or omitted ("").
  func inputName(_ index: Int) -> String? {
    index < node.inputs.count && !node.inputs[index].isEmpty ? node.inputs[index] : nil
  }

  /// Input `index`, which must be a constant (weights, shapes, axes).
  func constant(_ index: Int, _ what: String) throws -> ONNXConstant {
    guard let name = inputName(index) else { throw error("missing input \(index) (\(what))") }
    guard let value = constants[name] else {
      throw error("\(what) ('\(name)') must be a constant (an initializer or foldable at load time)")
    }
    return value
  }

  /// Input `index` as a constant, or nil when omitted.
  func optionalConstant(_ index: Int, _ what: String) throws -> ONNXConstant? {
    guard inputName(index) != nil else { return nil }
    return try constant(index, what)
  }

  /// The first `names.count` inputs, each present: e.g. `requiredInputs("A", "B")` for MatMul.
  func requiredInputs(_ names: String...) throws -> [String] {
    let given = names.indices.compactMap { inputName($0) }
    guard given.count == names.count else { throw error("needs inputs \(names.joined(separator: ", "))") }
    return given
  }

  /// The first (activation) input.
  func activation() throws -> String {
    guard let name = inputName(0) else { throw error("has no input") }
    return name
  }

  func int(_ name: String, default value: Int) -> Int { node.intAttribute(name) ?? value }
  func float(_ name: String, default value: Float) -> Float { node.floatAttribute(name) ?? value }
  func ints(_ name: String) -> [Int]? { node.intsAttribute(name) }

  /// Spatial padding from `pads` / `auto_pad` for an op over `rank` spatial axes
  /// (pads = [begin₁ … begin_rank, end₁ … end_rank]; 2-D: [top, left, bottom, right]).
  func padding(spatialRank rank: Int = 2) throws -> Conv.Padding {
    switch node.stringAttribute("auto_pad") ?? "NOTSET" {
    case "NOTSET", "":
      let pads = ints("pads") ?? Array(repeating: 0, count: 2 * rank)
      guard pads.count == 2 * rank else { throw error("pads \(pads) must have \(2 * rank) values for a \(rank)-D op") }
      guard pads.allSatisfy({ $0 >= 0 }) else { throw error("negative pads \(pads) are not supported") }
      return .explicit(begin: Array(pads[..<rank]), end: Array(pads[rank...]))
    case "SAME_UPPER": return .sameUpper
    case "SAME_LOWER": return .sameLower
    case "VALID": return .valid
    case let other: throw error("unknown auto_pad '\(other)' (expected NOTSET, SAME_UPPER, SAME_LOWER or VALID)")
    }
  }

  /// A 2-element attribute (strides, dilations) with a default.
  func pair(_ name: String, default value: [Int] = [1, 1]) throws -> [Int] {
    let values = ints(name) ?? value
    guard values.count == 2, values.allSatisfy({ $0 >= 1 }) else {
      throw error("\(name) \(values) must be two positive numbers (only 2-D ops are supported)")
    }
    return values
  }
}

extension Tensor {
  init(_ constant: ONNXConstant) {
    self.init(shape: constant.shape, values: constant.floatValues)
  }
}
