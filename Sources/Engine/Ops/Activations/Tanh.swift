import Foundation

/// y = tanh(x); dy/dx = 1 − y².
public final class Tanh: ElementwiseActivation, ExecutableOp, @unchecked Sendable {
  public let typeName = "Tanh"
  public let traits: OpTraits = .pointwise
  public init() {}
  func forward(_ inputs: [Value]) throws -> [Value] {
    Elementwise.activation(inputs) { x in tanh(x) }
  }
  func backward(_ pass: BackwardPass) throws -> [Value?] {
    try Elementwise.activationGradient(pass) { x, y, gradient in gradient * (1 - y * y) }
  }
}
