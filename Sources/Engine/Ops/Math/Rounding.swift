/// Ceil, Floor and Round (half to even, as ONNX Round) and Sign: piecewise constant, so their
/// derivative is 0 wherever it exists; backward sends no gradient (TF-"same" padding sizes computed
/// with Ceil on activations never carry one).
public final class Rounding: ElementwiseActivation, ExecutableOp, @unchecked Sendable {
  public let traits: OpTraits = .pointwise
  public enum Kind: String, Sendable { case ceil = "Ceil", floor = "Floor", round = "Round", sign = "Sign" }
  public let kind: Kind
  public var typeName: String { kind.rawValue }
  public init(_ kind: Kind) { self.kind = kind }

  func forward(_ inputs: [Value]) throws -> [Value] {
    switch kind {
    case .ceil: return Elementwise.activation(inputs) { x in x.rounded(.up) }
    case .floor: return Elementwise.activation(inputs) { x in x.rounded(.down) }
    case .round: return Elementwise.activation(inputs) { x in x.rounded(.toNearestOrEven) }
    case .sign: return Elementwise.activation(inputs) { x in x > 0 ? 1 : (x < 0 ? -1 : 0) }
    }
  }

  func backward(_ pass: BackwardPass) throws -> [Value?] { [nil] }
}
