/// A feed-forward network: nodes in topological order over named tensors, one image input.
public final class Network: @unchecked Sendable {
  public let nodes: [Node]
  /// How the engine runs each node's op (resolved once here, not per node per run).
  let executables: [any ExecutableOp]
  public let inputName: String
  public let outputNames: [String]
  /// Constant operands that ops read by name (e.g. a broadcast addend); weights live on the ops.
  public let constants: [String: Tensor]
  /// The constants as engine values, made once (ops only read them).
  let constantValues: [String: Value]
  /// Node index producing each tensor.
  let producer: [String: Int]
  /// For forward-only runs: what each convolution folds in, and when tensors can be released.
  let fusionPlan: FusionPlan
  /// For gradient runs: what each convolution folds in (residual Adds, activations that differentiate from their output).
  let gradientFusionPlan: FusionPlan
  /// Tensor names resolved to array slots for the forward loop.
  let program: ForwardProgram
  /// The constants' values by slot, placed at the start of each forward run.
  let constantSlots: [(slot: Int, value: Value)]
  /// Shapes of every tensor for the input shapes seen so far (checked against the memory budget).
  private let shapeCache = ShapeCache()
  /// Input shape the model file declares (batch may vary at run time).
  public let declaredInputShape: [Int]?
  /// Set when the outputs are computed for one batch size only (a model whose graph mixes the items
  /// of a batch, or was traced with the batch fixed where it cannot be followed): other batch sizes
  /// are refused by shape inference with `reason`, instead of giving outputs for the wrong items.
  public let fixedBatch: FixedBatch?

  public struct FixedBatch: Sendable, Equatable {
    public let size: Int
    public let reason: String
    public init(size: Int, reason: String) {
      self.size = size
      self.reason = reason
    }
  }

  public init(nodes: [Node], inputName: String, outputNames: [String], constants: [String: Tensor] = [:],
              declaredInputShape: [Int]? = nil, fixedBatch: FixedBatch? = nil) throws {
    var producer: [String: Int] = [:]
    var known = Set(constants.keys)
    known.insert(inputName)
    var executables: [any ExecutableOp] = []
    for (index, node) in nodes.enumerated() {
      guard let executable = node.op as? any ExecutableOp else {
        throw EngineError("node '\(node.name)' (\(node.op.typeName)): the engine has no forward and backward for this op (it must conform to ExecutableOp)")
      }
      executables.append(executable)
      for input in node.inputs where !input.isEmpty && !known.contains(input) {
        throw EngineError("node '\(node.name)' (\(node.op.typeName)) reads tensor '\(input)', which no earlier node produces")
      }
      for output in node.outputs {
        if producer[output] != nil || output == inputName {
          throw EngineError("tensor '\(output)' is produced twice (again by node '\(node.name)')")
        }
        producer[output] = index
        known.insert(output)
      }
    }
    for output in outputNames where !known.contains(output) {
      throw EngineError("network output '\(output)' is not produced by any node")
    }
    self.nodes = nodes
    self.executables = executables
    self.inputName = inputName
    self.outputNames = outputNames
    self.constants = constants
    self.constantValues = constants.mapValues { Value($0) }
    self.producer = producer
    self.declaredInputShape = declaredInputShape
    self.fixedBatch = fixedBatch
    self.fusionPlan = FusionPlan(nodes: nodes, inputName: inputName, outputs: Set(outputNames), constants: Set(constants.keys))
    self.gradientFusionPlan = FusionPlan(nodes: nodes, inputName: inputName, outputs: Set(outputNames), constants: Set(constants.keys),
                                         forGradients: true)
    let program = ForwardProgram(nodes: nodes, inputName: inputName, constantNames: Array(constants.keys),
                                 outputNames: outputNames, plan: fusionPlan, gradientPlan: gradientFusionPlan)
    self.program = program
    self.constantSlots = constantValues.compactMap { name, value in program.slot[name].map { ($0, value) } }
  }

  /// Every tensor name, in the order they are produced (input first).
  public var tensorNames: [String] { [inputName] + nodes.flatMap(\.outputs) }

  /// The node producing `tensor`, if any.
  public func node(producing tensor: String) -> Node? { producer[tensor].map { nodes[$0] } }

  /// Static shape of every tensor for an input of `inputShape` (any batch size).
  public func shapes(forInput inputShape: [Int]) throws -> [String: [Int]] {
    if let fixed = fixedBatch, let batch = inputShape.first, batch != fixed.size {
      throw EngineError("this model runs at batch \(fixed.size) only, not \(batch): \(fixed.reason)")
    }
    var shapes: [String: [Int]] = [inputName: inputShape]
    for (name, constant) in constants { shapes[name] = constant.shape }
    for node in nodes {
      let inputShapes = node.inputs.map { $0.isEmpty ? [] : (shapes[$0] ?? []) }
      let outputShapes = try node.op.checkedOutputShapes(inputShapes, node: node.name, outputs: node.outputs)
      for (name, shape) in zip(node.outputs, outputShapes) {
        shapes[name] = shape
      }
    }
    return shapes
  }

  /// `shapes(forInput:)`, checked against the memory budget, remembered per input shape: a forward
  /// run must not redo shape inference over the whole graph each time. A run that keeps every tensor
  /// needs them all at once; a forward-only one (`fused`) only what its release plan keeps live.
  func checkedShapes(forInput inputShape: [Int], fused: Bool = false) throws -> [String: [Int]] {
    if let known = shapeCache.shapes(for: inputShape, checkedFor: fused) { return known }
    let shapes = try shapeCache.shapes(for: inputShape) ?? self.shapes(forInput: inputShape)
    let batch = inputShape.first ?? 1
    if fused {
      try MemoryBudget.check(bytes: MemoryBudget.forwardOnlyPeak(of: self, shapes: shapes), batch: batch)
    } else {
      try MemoryBudget.check(shapes, batch: batch)
    }
    shapeCache.remember(shapes, for: inputShape, checkedFor: fused)
    return shapes
  }

  /// Block boundaries before the node producing `tensor`: node index -> the one non-constant tensor
  /// made before that node (or the input) that nodes from there on read. Everything from a boundary on
  /// depends on the earlier nodes only through that tensor (incremental occlusion runs such tails whole).
  public func blockBoundaries(before tensor: String) -> [Int: String] {
    guard let end = producer[tensor] else { return [:] }
    // Each non-constant tensor is live over (its producer, its last reader]; the input is made at -1.
    var spans: [(name: String, made: Int, last: Int)] = []
    for (name, readers) in fusionPlan.readers where constants[name] == nil {
      guard let last = readers.max(), let made = name == inputName ? -1 : producer[name] else { continue }
      spans.append((name, made, last))
    }
    var live = [Int](repeating: 0, count: nodes.count + 1)  // tensors crossing into node i
    for span in spans { for index in (span.made + 1)..<(span.last + 1) { live[index] += 1 } }
    var result: [Int: String] = [:]
    for index in 1..<(end + 1) where live[index] == 1 {
      result[index] = spans.first { $0.made < index && $0.last >= index }?.name
    }
    return result
  }

  /// Learned parameters of a node: those the op holds plus constant operands it reads (Gemm's B, C).
  public func parameterCount(of node: Node) -> Int {
    node.op.parameterCount + Set(node.inputs).reduce(0) { $0 + (constants[$1]?.count ?? 0) }
  }

  /// Total learned parameters.
  public var parameterCount: Int { nodes.reduce(0) { $0 + parameterCount(of: $1) } }
}

/// A few input shapes' tensor shapes (a network sees one or two batch sizes in practice), with the
/// kinds of run (all tensors kept, forward-only) already checked against the memory budget.
private final class ShapeCache: @unchecked Sendable {
  private var entries: [[Int]: (shapes: [String: [Int]], checked: Set<Bool>)] = [:]
  private let lock = Lock()

  /// The shapes for `input`, whichever checks they passed.
  func shapes(for input: [Int]) -> [String: [Int]]? { lock.withLock { entries[input]?.shapes } }

  /// The shapes for `input` if they passed the budget check of that kind of run.
  func shapes(for input: [Int], checkedFor fused: Bool) -> [String: [Int]]? {
    lock.withLock { entries[input].flatMap { $0.checked.contains(fused) ? $0.shapes : nil } }
  }

  func remember(_ shapes: [String: [Int]], for input: [Int], checkedFor fused: Bool) {
    lock.withLock {
      if entries.count >= 8, entries[input] == nil { entries.removeAll() }
      entries[input] = (shapes, (entries[input]?.checked ?? []).union([fused]))
    }
  }
}
