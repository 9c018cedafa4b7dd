import Foundation

/// y = √x (NaN for x < 0, as IEEE); dy/dx = 1 / (2y).
public final class Sqrt: ElementwiseActivation, ExecutableOp, @unchecked Sendable {
  public let typeName = "Sqrt"
  public let traits: OpTraits = .pointwise
  public init() {}
  func forward(_ inputs: [Value]) throws -> [Value] {
    Elementwise.activation(inputs) { x in x.squareRoot() }
  }
  func backward(_ pass: BackwardPass) throws -> [Value?] {
    try Elementwise.activationGradient(pass) { _, y, gradient in gradient / (2 * y) }
  }
}
