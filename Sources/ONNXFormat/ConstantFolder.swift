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
  static let foldableOps: Set<String> = Set([
    "Identity", "Constant", "Shape", "Size", "Gather", "Unsqueeze", "Squeeze", "Concat", "Cast",
    "ConstantOfShape", "Range", "Reshape", "Flatten", "Slice", "Expand", "Add", "Sub", "Mul", "Div",
    "Equal", "Where", "Transpose", "Tile", "ScatterND", "ReduceSum", "ReduceProd", "ReduceMax", "ReduceMin",
    "ReduceMean", "Dropout", "GatherND", "Clip", "CumSum", "BatchNormalization",
  ]).union(FoldMathOps.unaryOps).union(FoldMathOps.binaryOps).union(FoldMathOps.variadicOps)

  /// The nodes that could not be folded, in their given (topological) order. The outputs of
  /// folded nodes are added to `constants`.
  func fold(_ nodes: [ONNXNode], constants: inout [String: ONNXConstant], valueShapes: [String: [Int?]]) throws -> [ONNXNode] {
    let knownShape = { (name: String) -> [Int]? in
      valueShapes[name].flatMap { dims in dims.allSatisfy { $0 != nil } ? dims.compactMap { $0 } : nil }
    }
    var remaining: [ONNXNode] = []
    for node in nodes {
      guard let results = try evaluate(node, constants: constants, shape: knownShape) else {
        remaining.append(node)
        continue
      }
      for (name, value) in zip(node.outputs, results) where !name.isEmpty {
        constants[name] = value
      }
    }
    return remaining
  }

  /// The node's outputs when it can be folded (every output it names), nil when it stays a node.
  /// `shape` gives the fully known shape of a non-constant tensor, for `Shape`.
  func evaluate(_ node: ONNXNode, constants: [String: ONNXConstant], shape: (String) -> [Int]?) throws -> [ONNXConstant]? {
    guard node.domain.isEmpty, Self.foldableOps.contains(node.opType) else { return nil }
    if node.opType == "Shape", let input = node.inputs.first {
      // Shape needs only the dims: from a constant, or from a fully known shape.
      guard let dims = constants[input]?.shape ?? shape(input) else { return nil }
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
      if node.opType == "BatchNormalization" {  // the one folded op with several outputs
        let results = try FoldMathOps.batchNormalization(node, inputs.compactMap { $0 })
        return results.count >= node.outputs.filter({ !$0.isEmpty }).count ? results : nil
      }
      guard let result = try Self.apply(node, inputs, limit: limits.maxElements),
            node.outputs.filter({ !$0.isEmpty }).count <= 1 else { return nil }
      return [result]
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
    case "Add", "Sub", "Mul", "Div":
      let (a, b) = (try input(0), try input(1))
      if a.isInteger && b.isInteger { return try FoldValueOps.integerArithmetic(node.opType, a, b, limit: limit) }
      return try FoldMathOps.floatArithmetic(node.opType, a, b, limit: limit)
    case "Equal": return try FoldValueOps.equal(input(0), input(1), limit: limit)
    case "Where": return try FoldValueOps.select(condition: input(0), input(1), input(2), limit: limit)
    case "Transpose": return try FoldShapeOps.transpose(node, data: input(0))
    case "Tile": return try FoldShapeOps.tile(data: input(0), repeats: input(1), limit: limit)
    case "ScatterND": return try FoldShapeOps.scatterND(node, data: input(0), indices: input(1), updates: input(2))
    case "ReduceSum", "ReduceProd", "ReduceMax", "ReduceMin", "ReduceMean":
      return try FoldMathOps.reduce(node, input(0), axes: optional(1))
    case "GatherND": return try FoldShapeOps.gatherND(node, data: input(0), indices: input(1), limit: limit)
    case "Clip": return try FoldMathOps.clip(input(0), low: optional(1), high: optional(2))
    case "CumSum": return try FoldMathOps.cumulativeSum(node, input(0), axis: input(1))
    case "Dropout": return try input(0)  // inference: the identity (its mask output is never folded)
    case let op where FoldMathOps.unaryOps.contains(op): return FoldMathOps.unary(op, try input(0))
    case let op where FoldMathOps.binaryOps.contains(op): return try FoldMathOps.binary(node, input(0), input(1), limit: limit)
    case let op where FoldMathOps.variadicOps.contains(op):
      return try FoldMathOps.variadic(op, inputs.indices.map { try input($0) }, limit: limit)
    default: return nil
    }
  }
}

extension ONNXGraph {
  /// The outputs of `node` when it can be evaluated at load time: every input is a constant, or it
  /// is `Shape` of a tensor whose shape `shape` knows (the importer infers activation shapes as it
  /// builds the network, so `Shape -> Gather -> Concat -> Reshape` chains fold too). nil: a run-time node.
  public static func foldedOutputs(of node: ONNXNode, constants: [String: ONNXConstant], limits: ONNXLoadLimits = .default,
                                   shape: (String) -> [Int]?) throws -> [ONNXConstant]? {
    try ConstantFolder(limits: limits).evaluate(node, constants: constants, shape: shape)
  }
}
