import Foundation

/// y = erf(x) = 2/√π ∫₀ˣ e^(−t²) dt; dy/dx = 2/√π · e^(−x²).
/// (TorchScript exports GELU as x · 0.5 · (1 + Erf(x / √2)).)
public final class Erf: UnaryFunction, @unchecked Sendable {
  public init() { super.init("Erf", { erf($0) }, gradient: { x, _, dy in dy * 1.1283791671 * exp(-x * x) }) }  // 2/√π
}
