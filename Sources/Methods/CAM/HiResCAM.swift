import Engine

/// HiResCAM (Draelos & Carin 2020): L = ReLU(Σ_k g^k ⊙ A^k), the element-wise product in place of
/// averaged gradients.
public enum HiResCAMMap: CAMVariant {
  public static let name = "hires-cam"
  public static let summary = "Element-wise gradient × activation summed over channels (Draelos 2020)."
  public static let conventions = [Convention("map", "Σ_k g^k ⊙ A^k")]

  public static func map(_ sample: LayerSample, _ setup: LayerSetup) throws -> [Float] { sample.gradientWeightedSum { $0 } }
}

public typealias HiResCAM = CAMMethod<HiResCAMMap>
