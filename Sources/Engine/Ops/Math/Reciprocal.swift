/// y = 1/x; dy/dx = −y².
public final class Reciprocal: ElementwiseActivation, ExecutableOp, @unchecked Sendable {
  public let typeName = "Reciprocal"
  public let traits: OpTraits = .pointwise
  public init() {}
  func forward(_ inputs: [Value]) throws -> [Value] {
    Elementwise.activation(inputs) { x in 1 / x }
  }
  func backward(_ pass: BackwardPass) throws -> [Value?] {
    try Elementwise.activationGradient(pass) { _, y, gradient in -gradient * y * y }
  }
}
