import Engine

/// XGrad-CAM (Fu et al. 2020): w_k = Σ_ij (A_ij / (Σ_ab A_ab + 1e-7)) · g_ij (ε as pytorch-grad-cam).
public enum XGradCAMWeights: CAMVariant {
  public static let name = "xgrad-cam"
  public static let summary = "Gradients weighted by the normalised activation (Fu 2020)."
  public static let conventions = [Convention("weights", "w_k = Σ_ij A_ij g_ij / (Σ A + 1e-7)")]

  public static func map(_ sample: LayerSample, _ setup: LayerSetup) throws -> [Float] {
    sample.weightedSum(sample.perChannel { a, g in zip(a, g).reduce(0) { $0 + $1.0 * $1.1 } / (a.reduce(0, +) + 1e-7) })
  }
}

public typealias XGradCAM = CAMMethod<XGradCAMWeights>
