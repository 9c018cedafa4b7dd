// Load-time constant folding, so that torch exports whose reshapes look dynamic
// (Shape -> Gather -> Unsqueeze -> Concat -> Reshape) load as plain constants. A node is folded
// when its op is listed below and every input is constant, or, for Shape, when its input's shape
// is fully known. Identity on an activation is not constant and so stays a node.
// Note: Shape of an activation is folded from the declared shape, so a declared batch of 1 is
// baked into the folded result (e.g. a Reshape target [1, -1]); the importer must treat such a
// leading 1 as the batch if it lets the batch vary.

struct ConstantFolder {
  let limits: ONNXLoadLimits

  /// Ops that may be folded (default domain only).
  static let foldableOps: Set<String> = [
    "Identity", "Constant", "Shape", "Size", "Gather", "Unsqueeze", "Squeeze", "Concat", "Cast",
    "ConstantOfShape", "Range", "Reshape", "Flatten", "Slice", "Expand", "Add", "Sub", "Mul", "Div",
    "Equal", "Where",
  ]

  /// The nodes that could not be folded, in their given (topological) order. The outputs of
  /// folded nodes are added to `constants`.
  func fold(_ nodes: [ONNXNode], constants: inout [String: ONNXConstant], valueShapes: [String: [Int?]]) throws -> [ONNXNode] {
    var remaining: [ONNXNode] = []
    for node in nodes {
      guard let results = try evaluate(node, constants: constants, valueShapes: valueShapes),
        results.count >= node.outputs.filter({ !$0.isEmpty }).count
      else {
        remaining.append(node)
        continue
      }
      for (name, value) in zip(node.outputs, results) where !name.isEmpty {
        constants[name] = value
      }
    }
    return remaining
  }

  /// The node's outputs when it can be folded, nil when it stays a node.
  private func evaluate(_ node: ONNXNode, constants: [String: ONNXConstant], valueShapes: [String: [Int?]]) throws -> [ONNXConstant]? {
    guard node.domain.isEmpty, Self.foldableOps.contains(node.opType) else { return nil }
    if node.opType == "Shape", let input = node.inputs.first {
      // Shape needs only the dims: from a constant, or from a fully known declared shape.
      let declared = valueShapes[input].flatMap { dims in dims.allSatisfy { $0 != nil } ? dims.compactMap { $0 } : nil }
      guard let dims = constants[input]?.shape ?? declared else { return nil }
      return [FoldShapeOps.shape(node, dims: dims)]
    }
    var inputs: [ONNXConstant?] = []
    for name in node.inputs {
      if name.isEmpty {
        inputs.append(nil)
      } else if let value = constants[name] {
        inputs.append(value)
      } else {
        return nil
      }
    }
    do {
      return try Self.apply(node, inputs, limit: limits.maxElements).map { [$0] }
    } catch let error as FoldingError {
      throw ONNXFormatError(.foldingFailed(node: node.name, opType: node.opType, reason: error.reason))
    }
  }

  /// One folded op; `inputs` holds nil for omitted optional inputs.
  static func apply(_ node: ONNXNode, _ inputs: [ONNXConstant?], limit: Int) throws -> ONNXConstant? {
    func input(_ position: Int) throws -> ONNXConstant {
      guard position < inputs.count, let value = inputs[position] else {
        throw FoldingError("required input \(position) is missing")
      }
      return value
    }
    func optional(_ position: Int) -> ONNXConstant? { position < inputs.count ? inputs[position] : nil }

    switch node.opType {
    case "Identity": return try input(0)
    case "Constant": return FoldValueOps.constant(node)
    case "Size": return FoldShapeOps.size(try input(0))
    case "Gather": return try FoldShapeOps.gather(node, data: input(0), indices: input(1), limit: limit)
    case "Unsqueeze": return try FoldShapeOps.unsqueeze(node, data: input(0), axes: optional(1))
    case "Squeeze": return try FoldShapeOps.squeeze(node, data: input(0), axes: optional(1))
    case "Concat": return try FoldShapeOps.concat(node, inputs.indices.map { try input($0) })
    case "Cast": return FoldValueOps.cast(node, try input(0))
    case "ConstantOfShape": return try FoldValueOps.constantOfShape(node, shape: input(0), limit: limit)
    case "Range": return try FoldValueOps.range(start: input(0), limit: input(1), delta: input(2), limit: limit)
    case "Reshape": return try FoldShapeOps.reshape(node, data: input(0), shape: input(1))
    case "Flatten": return try FoldShapeOps.flatten(node, data: input(0))
    case "Slice":
      return try FoldShapeOps.slice(data: input(0), starts: input(1), ends: input(2), axes: optional(3), steps: optional(4))
    case "Expand": return try FoldShapeOps.expand(data: input(0), shape: input(1), limit: limit)
    case "Add", "Sub", "Mul", "Div": return try FoldValueOps.integerArithmetic(node.opType, input(0), input(1), limit: limit)
    case "Equal": return try FoldValueOps.equal(input(0), input(1), limit: limit)
    case "Where": return try FoldValueOps.select(condition: input(0), input(1), input(2), limit: limit)
    default: return nil
    }
  }
}

extension ONNXGraph {
  /// The graph folded again with more tensor shapes known (e.g. inferred by the engine for the
  /// activations that feed `Shape` nodes): `Shape` of those tensors and everything computed from
  /// it become constants.
  public func refolded(knownShapes: [String: [Int]], limits: ONNXLoadLimits = .default) throws -> ONNXGraph {
    var graph = self
    for (name, dims) in knownShapes { graph.valueShapes[name] = dims.map { Optional($0) } }
    var constants = graph.constants
    graph.nodes = try ConstantFolder(limits: limits).fold(graph.nodes, constants: &constants, valueShapes: graph.valueShapes)
    graph.constants = constants
    return graph
  }
}
