/// The backward of ReLU-like units (Relu, and Clip when the rule applies to it) with the rule
/// chosen once outside the loop, so each case is a simple vectorisable loop.
extension Elementwise {
  /// dx for a unit whose forward mask is `low < x < high` (ReLU: low 0, high +∞) under `rule`.
  static func reluFamilyGradient(_ pass: BackwardPass, low: Float, high: Float, rule: ReluRule) throws -> [Value?] {
    switch rule {
    case .standard:
      return try activationGradient(pass) { x, _, g in x > low && x < high ? g : 0 }
    case .guided:
      return try activationGradient(pass) { x, _, g in x > low && x < high && g > 0 ? g : 0 }
    case .deconvnet:
      return try activationGradient(pass) { _, _, g in max(g, 0) }
    }
  }
}
