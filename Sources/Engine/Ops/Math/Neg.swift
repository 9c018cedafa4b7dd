/// y = −x; dy/dx = −1.
public final class Neg: ElementwiseActivation, ExecutableOp, @unchecked Sendable {
  public let typeName = "Neg"
  public let traits: OpTraits = .pointwise
  public init() {}
  func forward(_ inputs: [Value]) throws -> [Value] {
    Elementwise.activation(inputs) { x in -x }
  }
  func backward(_ pass: BackwardPass) throws -> [Value?] {
    try Elementwise.activationGradient(pass) { _, _, gradient in -gradient }
  }
}
