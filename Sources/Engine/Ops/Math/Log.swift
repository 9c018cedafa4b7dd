import Foundation

/// y = ln x; dy/dx = 1/x.
public final class Log: ElementwiseActivation, ExecutableOp, @unchecked Sendable {
  public let typeName = "Log"
  public let traits: OpTraits = .pointwise
  public init() {}
  func forward(_ inputs: [Value]) throws -> [Value] {
    Elementwise.activation(inputs) { x in log(x) }
  }
  func backward(_ pass: BackwardPass) throws -> [Value?] {
    try Elementwise.activationGradient(pass) { x, _, gradient in gradient / x }
  }
}
