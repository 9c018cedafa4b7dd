import Foundation

/// ONNX Gelu (opset 20; Hendrycks & Gimpel 2016, "Gaussian Error Linear Units"):
/// - approximate none: y = x·Φ(x) = ½x(1 + erf(x/√2)); dy/dx = Φ(x) + x·φ(x), φ(x) = e^(−x²/2)/√(2π).
/// - approximate tanh: y = ½x(1 + tanh(u)), u = √(2/π)(x + 0.044715x³);
///   dy/dx = ½(1 + tanh u) + ½x(1 − tanh² u)·√(2/π)(1 + 3·0.044715x²).
public final class Gelu: ElementwiseActivation, ExecutableOp, @unchecked Sendable {
  public let traits: OpTraits = .pointwise
  public enum Approximation: String, Sendable { case none, tanh }
  public let typeName = "Gelu"
  public let approximation: Approximation
  public init(approximation: Approximation = .none) { self.approximation = approximation }

  private static let sqrtTwoOverPi: Float = 0.7978845608  // √(2/π)
  private static let inverseSqrtTwo: Float = 0.7071067812  // 1/√2
  private static let inverseSqrtTwoPi: Float = 0.3989422804  // 1/√(2π)

  func forward(_ inputs: [Value]) throws -> [Value] {
    switch approximation {
    case .none:
      return Elementwise.activation(inputs) { x in 0.5 * x * (1 + erf(x * Gelu.inverseSqrtTwo)) }
    case .tanh:
      return Elementwise.activation(inputs) { x in
        0.5 * x * (1 + Foundation.tanh(Gelu.sqrtTwoOverPi * (x + 0.044715 * x * x * x)))
      }
    }
  }

  func backward(_ pass: BackwardPass) throws -> [Value?] {
    switch approximation {
    case .none:
      return try Elementwise.activationGradient(pass) { x, _, gradient in
        gradient * (0.5 * (1 + erf(x * Gelu.inverseSqrtTwo)) + x * Gelu.inverseSqrtTwoPi * exp(-0.5 * x * x))
      }
    case .tanh:
      return try Elementwise.activationGradient(pass) { x, _, gradient in
        let t = Foundation.tanh(Gelu.sqrtTwoOverPi * (x + 0.044715 * x * x * x))
        return gradient * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * Gelu.sqrtTwoOverPi * (1 + 3 * 0.044715 * x * x))
      }
    }
  }
}
