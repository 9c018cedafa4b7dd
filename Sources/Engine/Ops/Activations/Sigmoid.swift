import Foundation

/// y = 1 / (1 + e^−x); dy/dx = y(1 − y).
public final class Sigmoid: UnaryElementwiseOp, @unchecked Sendable {
  public let typeName = "Sigmoid"
  public init() {}
  public func apply(_ x: Float) -> Float { 1 / (1 + exp(-x)) }
  public func derivative(x: Float, y: Float, gradient: Float, rule: BackwardRule) -> Float { gradient * y * (1 - y) }
}
