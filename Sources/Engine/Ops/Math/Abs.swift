/// y = |x|; dy/dx = sign(x) (0 at 0, as torch).
public final class Abs: ElementwiseActivation, ExecutableOp, @unchecked Sendable {
  public let typeName = "Abs"
  public let traits: OpTraits = .pointwise
  public init() {}
  func forward(_ inputs: [Value]) throws -> [Value] {
    Elementwise.activation(inputs) { x in abs(x) }
  }
  func backward(_ pass: BackwardPass) throws -> [Value?] {
    try Elementwise.activationGradient(pass) { x, _, gradient in x > 0 ? gradient : (x < 0 ? -gradient : 0) }
  }
}
