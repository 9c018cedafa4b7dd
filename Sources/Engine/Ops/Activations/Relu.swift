/// y = max(x, 0). Backward follows the pass's ReLU rule (standard, guided, deconvnet).
public final class Relu: UnaryElementwiseOp, @unchecked Sendable {
  public let typeName = "Relu"
  public init() {}
  public func apply(_ x: Float) -> Float { max(x, 0) }
  public func derivative(x: Float, y: Float, gradient: Float, rule: BackwardRule) -> Float {
    rule.relu.pass(open: x > 0, gradient: gradient)
  }
}
