/// y = x · max(0, min(1, x/6 + 1/2)) (Howard et al. 2019, MobileNetV3).
/// dy/dx = 0 for x ≤ −3, 1 for x ≥ 3, x/3 + 1/2 between (PyTorch's convention at the kinks).
public final class HardSwish: ElementwiseActivation, ExecutableOp, @unchecked Sendable {
  public let typeName = "HardSwish"
  public let traits: OpTraits = .pointwise
  public init() {}
  func forward(_ inputs: [Value]) throws -> [Value] {
    Elementwise.activation(inputs) { x in x * max(0, min(1, x / 6 + 0.5)) }
  }
  func backward(_ pass: BackwardPass) throws -> [Value?] {
    return try Elementwise.activationGradient(pass) { x, y, gradient in
      if x < -3 { return 0 }
      if x > 3 { return gradient }
      return gradient * (x / 3 + 0.5)
    }
  }
}
