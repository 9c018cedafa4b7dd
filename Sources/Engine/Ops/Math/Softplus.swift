import Foundation

/// y = ln(1 + eˣ) (computed as max(x, 0) + ln(1 + e^(−|x|)) so large |x| neither overflows nor
/// loses x); dy/dx = σ(x) = 1/(1 + e^(−x)). (Mish exports as x · Tanh(Softplus(x)).)
public final class Softplus: ElementwiseActivation, ExecutableOp, @unchecked Sendable {
  public let typeName = "Softplus"
  public let traits: OpTraits = .pointwise
  public init() {}
  func forward(_ inputs: [Value]) throws -> [Value] {
    Elementwise.activation(inputs) { x in max(x, 0) + log1p(exp(-abs(x))) }
  }
  func backward(_ pass: BackwardPass) throws -> [Value?] {
    try Elementwise.activationGradient(pass) { x, _, gradient in gradient / (1 + exp(-x)) }
  }
}
