/// y = x for x ≥ 0, alpha·x otherwise (ONNX default alpha 0.01).
public final class LeakyRelu: UnaryElementwiseOp, @unchecked Sendable {
  public let typeName = "LeakyRelu"
  public let alpha: Float
  public init(alpha: Float = 0.01) { self.alpha = alpha }
  public func apply(_ x: Float) -> Float { x >= 0 ? x : alpha * x }
  public func derivative(x: Float, y: Float, gradient: Float, rule: BackwardRule) -> Float { x >= 0 ? gradient : alpha * gradient }
}
