import Foundation

/// y = eˣ; dy/dx = y.
public final class Exp: ElementwiseActivation, @unchecked Sendable {
  public let typeName = "Exp"
  public init() {}
  public func forward(_ inputs: [Value]) throws -> [Value] {
    Elementwise.activation(inputs) { x in exp(x) }
  }
  public func backward(_ pass: BackwardPass) throws -> [Value?] {
    try Elementwise.activationGradient(pass) { _, y, gradient in gradient * y }
  }
}
