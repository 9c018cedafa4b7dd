/// Every tensor of one forward run, by name. Lookups reorder blocked activations to plain NCHW
/// lazily (once per tensor); gradients come from `backward`.
public final class Trace: @unchecked Sendable {
  public let network: Network
  let values: [String: Value]
  /// False for forward-only (fused) runs, which keep only some tensors: no backward pass from them.
  let keepsEveryTensor: Bool
  private var plain: [String: Tensor] = [:]
  private let lock = Lock()

  init(network: Network, values: [String: Value], keepsEveryTensor: Bool = true) {
    self.network = network
    self.values = values
    self.keepsEveryTensor = keepsEveryTensor
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

  /// Shape of a tensor without converting it.
  public func shape(of name: String) throws -> [Int] {
    guard let value = values[name] else { throw unknownTensor(name) }
    return value.shape
  }

  public var tensorNames: [String] { network.tensorNames }

  func unknownTensor(_ name: String) -> EngineError {
    let suggestions = closestNames(to: name, in: network.tensorNames, count: 3)
    return EngineError("no tensor named '\(name)' in the network; closest: \(suggestions.joined(separator: ", "))")
  }
}
