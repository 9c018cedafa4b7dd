import Foundation

/// y = tanh(x); dy/dx = 1 − y².
public final class Tanh: UnaryElementwiseOp, @unchecked Sendable {
  public let typeName = "Tanh"
  public init() {}
  public func apply(_ x: Float) -> Float { tanh(x) }
  public func derivative(x: Float, y: Float, gradient: Float, rule: BackwardRule) -> Float { gradient * (1 - y * y) }
}
