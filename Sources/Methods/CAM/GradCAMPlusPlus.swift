import Engine

/// Grad-CAM++ (Chattopadhyay et al. 2018), exp-score closed form as pytorch-grad-cam:
/// α_ij = g² / (2g² + Σ_ab A_ab · g³ + 1e-6) (0 where g = 0), w_k = Σ_ij α_ij · ReLU(g_ij).
public enum GradCAMPlusPlusWeights: CAMVariant {
  public static let name = "grad-cam-plus-plus"
  public static let summary = "Grad-CAM with higher-order pixel weights, better for several instances (Chattopadhyay 2018)."
  public static let conventions = [Convention("weights", "w_k = Σ α_ij ReLU(g_ij), α = g² / (2g² + ΣA · g³ + 1e-6)")]

  public static func map(_ sample: LayerSample, _ setup: LayerSetup) throws -> [Float] {
    sample.weightedSum(sample.perChannel { activation, gradient in
      let activationSum = activation.reduce(0.0) { $0 + Double($1) }
      var weight = 0.0
      for g in gradient.map(Double.init) where g != 0 {
        let g2 = g * g
        weight += g2 / (2 * g2 + activationSum * g2 * g + 1e-6) * max(g, 0)
      }
      return Float(weight)
    })
  }
}

public typealias GradCAMPlusPlus = CAMMethod<GradCAMPlusPlusWeights>
