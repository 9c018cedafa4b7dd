/// Every tensor of one forward run, by name. Lookups reorder blocked activations to plain NCHW
/// lazily (once per tensor); gradients come from `backward`.
public final class Trace: @unchecked Sendable {
  public let network: Network
  let values: [String: Value]
  /// How the run went: `.fused` keeps only some tensors (no backward pass from it); `.gradients`
  /// keeps all but `fusedAway`.
  let mode: ForwardMode
  /// Gradient runs: the tensors a fused convolution never wrote (its own output, the Add's inside it),
  /// with their shapes. Backward passes through them; lookups are errors naming them.
  let fusedAway: [String: [Int]]
  /// Gradient runs: by node index, what an op's forward kept for its backward (`StatefulForward`).
  let states: [Int: AnyObject]
  private var plain: [String: Tensor] = [:]
  private let lock = Lock()

  init(network: Network, values: [String: Value], mode: ForwardMode = .keepAll, fusedAway: [String: [Int]] = [:],
       states: [Int: AnyObject] = [:]) {
    self.network = network
    self.values = values
    self.mode = mode
    self.fusedAway = fusedAway
    self.states = states
  }

  /// The tensor `name` in plain row-major order; unknown names get the closest suggestions.
  public func tensor(named name: String) throws -> Tensor {
    if let cached = lock.withLock({ plain[name] }) { return cached }
    guard let value = values[name] else { throw unknownTensor(name) }
    let tensor = try value.tensor()
    lock.withLock { plain[name] = tensor }
    return tensor
  }

  /// The first network output (usually the logits), plain.
  public func output() throws -> Tensor { try tensor(named: network.outputNames[0]) }

  /// Shape of a tensor without converting it (known for fused-away tensors too).
  public func shape(of name: String) throws -> [Int] {
    if let shape = values[name]?.shape ?? fusedAway[name] { return shape }
    throw unknownTensor(name)
  }

  public var tensorNames: [String] { network.tensorNames }

  /// The error for a tensor this trace does not hold: fused away by a gradient run (say how to keep
  /// it), or not in the network (the closest names).
  func unknownTensor(_ name: String) -> EngineError {
    if fusedAway[name] != nil {
      return EngineError("tensor '\(name)' was not kept: this gradient run (ForwardMode.gradients) fused it into a convolution primitive, which never writes it; pass '\(name)' in keeping: to keep it")
    }
    let suggestions = closestNames(to: name, in: network.tensorNames, count: 3)
    return EngineError("no tensor named '\(name)' in the network; closest: \(suggestions.joined(separator: ", "))")
  }
}
