import Engine

/// Layer-CAM (Jiang et al. 2021): L = ReLU(Σ_k ReLU(g^k) ⊙ A^k).
public enum LayerCAMMap: CAMVariant {
  public static let name = "layer-cam"
  public static let summary = "Activations weighted by their positive gradients, position by position (Jiang 2021)."
  public static let conventions = [Convention("map", "Σ_k ReLU(g^k) ⊙ A^k")]

  public static func map(_ sample: LayerSample, _ setup: LayerSetup) throws -> [Float] {
    sample.gradientWeightedSum { max($0, 0) }
  }
}

public typealias LayerCAM = CAMMethod<LayerCAMMap>
