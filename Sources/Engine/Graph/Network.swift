import Dispatch

/// A feed-forward network: nodes in topological order over named tensors, one image input.
public final class Network: @unchecked Sendable {
  public let nodes: [Node]
  public let inputName: String
  public let outputNames: [String]
  /// Constant operands that ops read by name (e.g. a broadcast addend); weights live on the ops.
  public let constants: [String: Tensor]
  /// The constants as engine values, made once (ops only read them).
  let constantValues: [String: Value]
  /// Node index producing each tensor.
  let producer: [String: Int]
  /// Input shape the model file declares (batch may vary at run time).
  public let declaredInputShape: [Int]?

  public init(nodes: [Node], inputName: String, outputNames: [String], constants: [String: Tensor] = [:],
              declaredInputShape: [Int]? = nil) throws {
    var producer: [String: Int] = [:]
    var known = Set(constants.keys)
    known.insert(inputName)
    for (index, node) in nodes.enumerated() {
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
    self.inputName = inputName
    self.outputNames = outputNames
    self.constants = constants
    self.constantValues = constants.mapValues { Value($0) }
    self.producer = producer
    self.declaredInputShape = declaredInputShape
  }

  /// Every tensor name, in the order they are produced (input first).
  public var tensorNames: [String] { [inputName] + nodes.flatMap(\.outputs) }

  /// The node producing `tensor`, if any.
  public func node(producing tensor: String) -> Node? { producer[tensor].map { nodes[$0] } }

  /// Static shape of every tensor for an input of `inputShape` (any batch size).
  public func shapes(forInput inputShape: [Int]) throws -> [String: [Int]] {
    var shapes: [String: [Int]] = [inputName: inputShape]
    for (name, constant) in constants { shapes[name] = constant.shape }
    for node in nodes {
      let inputShapes = node.inputs.map { $0.isEmpty ? [] : (shapes[$0] ?? []) }
      let outputShapes: [[Int]]
      do {
        outputShapes = try node.op.outputShapes(inputShapes)
      } catch let error as EngineError {
        throw EngineError("node '\(node.name)' (\(node.op.typeName)): \(error.description) [input shapes \(inputShapes)]")
      }
      for (name, shape) in zip(node.outputs, outputShapes) {
        if shape.contains(where: { $0 < 0 }) {
          throw EngineError("node '\(node.name)' (\(node.op.typeName)) gives tensor '\(name)' the negative shape \(shape)")
        }
        shapes[name] = shape
      }
    }
    return shapes
  }

  /// Runs the network on `input` ([N, C, H, W], plain) and keeps every tensor in the trace.
  public func forward(_ input: Tensor) throws -> Trace { try forward(input, timing: nil) }

  /// As `forward`, calling `timing(node, seconds)` after each node (for the benchmark's profile).
  public func forward(_ input: Tensor, timing: ((Node, Double) -> Void)?) throws -> Trace {
    if let declared = declaredInputShape, declared.count == input.shape.count {
      // Batch may vary; the other dimensions must match what the model was exported with.
      for axis in 1..<declared.count where declared[axis] > 0 && declared[axis] != input.shape[axis] {
        throw EngineError("input has shape \(input.shape) but the model expects \(declared) (batch may vary)")
      }
    }
    _ = try shapes(forInput: input.shape)  // validates every node before anything large is allocated
    var values: [String: Value] = [inputName: Value(input)]
    for (name, constant) in constantValues { values[name] = constant }
    for node in nodes {
      var inputs: [Value] = []
      inputs.reserveCapacity(node.inputs.count)
      for name in node.inputs {
        guard let value = values[name] else { throw EngineError("node '\(node.name)': missing input '\(name)'") }
        inputs.append(value)
      }
      let outputs: [Value]
      let start = timing == nil ? 0 : DispatchTime.now().uptimeNanoseconds
      defer { timing?(node, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
      do {
        outputs = try node.op.forward(inputs)
      } catch let error as EngineError {
        throw EngineError("node '\(node.name)' (\(node.op.typeName)): \(error.description)")
      }
      for (name, value) in zip(node.outputs, outputs) { values[name] = value }
    }
    return Trace(network: self, values: values)
  }

  /// Total learned parameters.
  public var parameterCount: Int { nodes.reduce(0) { $0 + $1.op.parameterCount } }
}
