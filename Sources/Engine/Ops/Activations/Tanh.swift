import Foundation

/// y = tanh(x); dy/dx = 1 − y².
public final class Tanh: ElementwiseActivation, @unchecked Sendable {
  public let typeName = "Tanh"
  public init() {}
  public func forward(_ inputs: [Value]) throws -> [Value] {
    Elementwise.activation(inputs) { x in tanh(x) }
  }
  public func backward(_ pass: BackwardPass) throws -> [Value?] {
    try Elementwise.activationGradient(pass) { x, y, gradient in gradient * (1 - y * y) }
  }
}
