import Foundation

/// y = eˣ; dy/dx = y.
public final class Exp: ElementwiseActivation, ExecutableOp, @unchecked Sendable {
  public let typeName = "Exp"
  public let traits: OpTraits = .pointwise
  public init() {}
  func forward(_ inputs: [Value]) throws -> [Value] {
    Elementwise.activation(inputs) { x in exp(x) }
  }
  func backward(_ pass: BackwardPass) throws -> [Value?] {
    try Elementwise.activationGradient(pass) { _, y, gradient in gradient * y }
  }
}
