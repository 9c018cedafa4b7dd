import Foundation

/// y = ln(1 + eˣ) (computed as max(x, 0) + ln(1 + e^(−|x|)) so large |x| neither overflows nor
/// loses x); dy/dx = σ(x) = 1/(1 + e^(−x)). (Mish exports as x · Tanh(Softplus(x)).)
public final class Softplus: UnaryFunction, @unchecked Sendable {
  public init() { super.init("Softplus", { x in max(x, 0) + log1p(exp(-abs(x))) }, gradient: { x, _, dy in dy / (1 + exp(-x)) }) }
}
