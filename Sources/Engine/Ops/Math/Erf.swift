import Foundation

/// y = erf(x) = 2/√π ∫₀ˣ e^(−t²) dt; dy/dx = 2/√π · e^(−x²).
/// (TorchScript exports GELU as x · 0.5 · (1 + Erf(x / √2)).)
public final class Erf: ElementwiseActivation, ExecutableOp, @unchecked Sendable {
  public let typeName = "Erf"
  public let traits: OpTraits = .pointwise
  public init() {}
  func forward(_ inputs: [Value]) throws -> [Value] {
    Elementwise.activation(inputs) { x in erf(x) }
  }
  func backward(_ pass: BackwardPass) throws -> [Value?] {
    try Elementwise.activationGradient(pass) { x, _, gradient in gradient * 1.1283791671 * exp(-x * x) }  // 2/√π
  }
}
