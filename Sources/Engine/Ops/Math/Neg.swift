/// y = −x; dy/dx = −1.
public final class Neg: ElementwiseActivation, @unchecked Sendable {
  public let typeName = "Neg"
  public init() {}
  public func forward(_ inputs: [Value]) throws -> [Value] {
    Elementwise.activation(inputs) { x in -x }
  }
  public func backward(_ pass: BackwardPass) throws -> [Value?] {
    try Elementwise.activationGradient(pass) { _, _, gradient in -gradient }
  }
}
