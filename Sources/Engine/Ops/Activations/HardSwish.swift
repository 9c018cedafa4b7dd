/// y = x · max(0, min(1, x/6 + 1/2)) (Howard et al. 2019, MobileNetV3).
/// dy/dx = 0 for x ≤ −3, 1 for x ≥ 3, x/3 + 1/2 between (PyTorch's convention at the kinks).
public final class HardSwish: UnaryElementwiseOp, @unchecked Sendable {
  public let typeName = "HardSwish"
  public init() {}
  public func apply(_ x: Float) -> Float { x * max(0, min(1, x / 6 + 0.5)) }
  public func derivative(x: Float, y: Float, gradient: Float, rule: BackwardRule) -> Float {
    if x < -3 { return 0 }
    if x > 3 { return gradient }
    return gradient * (x / 3 + 0.5)
  }
}
