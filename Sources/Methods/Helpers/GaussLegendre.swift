import Foundation

/// Quadrature rules for integrals over α ∈ [0, 1] (Integrated Gradients' path integral).
public enum Quadrature: String, Sendable, CaseIterable, SettingChoice {
  /// Gauss-Legendre (captum's default): exact for polynomials of degree 2n − 1.
  case gaussLegendre = "gauss-legendre"
  /// Trapezoid rule on n equally spaced points 0…1: step 1/(n − 1), half weight at both ends. (captum's
  /// `riemann_trapezoid` has the same points but steps of 1/n, so its weights sum to (n − 1)/n: its
  /// maps are this rule's times (n − 1)/n.)
  case riemannTrapezoid = "riemann-trapezoid"

  /// (nodes α_i, weights w_i) on [0, 1] with Σ w_i f(α_i) ≈ ∫₀¹ f.
  public func nodesAndWeights(_ n: Int) -> (nodes: [Double], weights: [Double]) {
    switch self {
    case .gaussLegendre:
      let (x, w) = GaussLegendre.rule(n)
      return (x.map { ($0 + 1) / 2 }, w.map { $0 / 2 })
    case .riemannTrapezoid:
      guard n > 1 else { return ([0.5], [1]) }
      let nodes = (0..<n).map { Double($0) / Double(n - 1) }
      var weights = [Double](repeating: 1 / Double(n - 1), count: n)
      weights[0] /= 2
      weights[n - 1] /= 2
      return (nodes, weights)
    }
  }
}

/// Gauss-Legendre nodes and weights on [−1, 1], by Newton's method on the Legendre polynomial P_n.
public enum GaussLegendre {
  /// n nodes x_i (ascending) and weights w_i = 2 / ((1 − x_i²) · P_n'(x_i)²).
  public static func rule(_ n: Int) -> (nodes: [Double], weights: [Double]) {
    guard n >= 1 else { return ([], []) }
    var nodes = [Double](repeating: 0, count: n)
    var weights = [Double](repeating: 0, count: n)
    for i in 0..<(n + 1) / 2 {
      // Initial guess: Chebyshev-like approximation of the i-th largest root (Abramowitz & Stegun 22.16.6).
      var x = cos(Double.pi * (Double(i) + 0.75) / (Double(n) + 0.5))
      var derivative = 0.0
      for _ in 0..<100 {
        let (p, dp) = legendre(n, x)
        derivative = dp
        let step = p / dp
        x -= step
        if abs(step) < 1e-15 { break }
      }
      derivative = legendre(n, x).derivative
      let weight = 2 / ((1 - x * x) * derivative * derivative)
      nodes[i] = -x
      nodes[n - 1 - i] = x
      weights[i] = weight
      weights[n - 1 - i] = weight
    }
    return (nodes, weights)
  }

  /// P_n(x) and P_n'(x) by the three-term recurrence (k+1) P_{k+1} = (2k+1) x P_k − k P_{k−1}.
  static func legendre(_ n: Int, _ x: Double) -> (value: Double, derivative: Double) {
    var previous = 1.0, current = x
    if n == 0 { return (1, 0) }
    for k in 1..<n {
      let next = (Double(2 * k + 1) * x * current - Double(k) * previous) / Double(k + 1)
      previous = current
      current = next
    }
    // P_n'(x) = n (x P_n − P_{n−1}) / (x² − 1)
    let derivative = Double(n) * (x * current - previous) / (x * x - 1)
    return (current, derivative)
  }
}
