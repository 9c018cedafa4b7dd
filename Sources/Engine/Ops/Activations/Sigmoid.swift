import Foundation

/// y = 1 / (1 + e^−x); dy/dx = y(1 − y).
public final class Sigmoid: ElementwiseActivation, ExecutableOp, @unchecked Sendable {
  public let typeName = "Sigmoid"
  public let traits: OpTraits = .pointwise
  public init() {}
  func forward(_ inputs: [Value]) throws -> [Value] {
    Elementwise.activation(inputs) { x in 1 / (1 + exp(-x)) }
  }
  func backward(_ pass: BackwardPass) throws -> [Value?] {
    try Elementwise.activationGradient(pass) { x, y, gradient in gradient * y * (1 - y) }
  }
}
