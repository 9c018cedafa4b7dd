/// y = x for x ≥ 0, alpha·x otherwise (ONNX default alpha 0.01).
public final class LeakyRelu: ElementwiseActivation, ExecutableOp, @unchecked Sendable {
  public let typeName = "LeakyRelu"
  public let traits: OpTraits = .pointwise
  public let alpha: Float
  public init(alpha: Float = 0.01) { self.alpha = alpha }
  func forward(_ inputs: [Value]) throws -> [Value] {
    Elementwise.activation(inputs) { x in x >= 0 ? x : alpha * x }
  }
  func backward(_ pass: BackwardPass) throws -> [Value?] {
    try Elementwise.activationGradient(pass) { x, y, gradient in x >= 0 ? gradient : alpha * gradient }
  }
}
