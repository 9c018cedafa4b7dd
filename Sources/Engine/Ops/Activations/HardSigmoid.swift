/// y = max(0, min(1, alpha·x + beta)) (ONNX defaults alpha 0.2, beta 0.5; torch exports 1/6, 0.5).
public final class HardSigmoid: ElementwiseActivation, ExecutableOp, @unchecked Sendable {
  public let typeName = "HardSigmoid"
  public let traits: OpTraits = .pointwise
  public let alpha: Float
  public let beta: Float
  public init(alpha: Float = 0.2, beta: Float = 0.5) {
    self.alpha = alpha
    self.beta = beta
  }
  func forward(_ inputs: [Value]) throws -> [Value] {
    Elementwise.activation(inputs) { x in max(0, min(1, alpha * x + beta)) }
  }
  func backward(_ pass: BackwardPass) throws -> [Value?] {
    return try Elementwise.activationGradient(pass) { x, y, gradient in
      let z = alpha * x + beta
      return z > 0 && z < 1 ? alpha * gradient : 0
    }
  }
}
