import Foundation

/// y = ln x; dy/dx = 1/x.
public final class Log: ElementwiseActivation, @unchecked Sendable {
  public let typeName = "Log"
  public init() {}
  public func forward(_ inputs: [Value]) throws -> [Value] {
    Elementwise.activation(inputs) { x in log(x) }
  }
  public func backward(_ pass: BackwardPass) throws -> [Value?] {
    try Elementwise.activationGradient(pass) { x, _, gradient in gradient / x }
  }
}
