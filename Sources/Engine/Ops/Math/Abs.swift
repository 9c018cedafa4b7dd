/// y = |x|; dy/dx = sign(x) (0 at 0, as torch).
public final class Abs: ElementwiseActivation, @unchecked Sendable {
  public let typeName = "Abs"
  public init() {}
  public func forward(_ inputs: [Value]) throws -> [Value] {
    Elementwise.activation(inputs) { x in abs(x) }
  }
  public func backward(_ pass: BackwardPass) throws -> [Value?] {
    try Elementwise.activationGradient(pass) { x, _, gradient in x > 0 ? gradient : (x < 0 ? -gradient : 0) }
  }
}
