import Engine

/// Grad-CAM++ (Chattopadhyay et al. 2018), exp-score closed form as pytorch-grad-cam:
/// α_ij = g² / (2g² + Σ_ab A_ab · g³ + 1e-6) (0 where g = 0), w_k = Σ_ij α_ij · ReLU(g_ij).
public struct GradCAMPlusPlus: ChannelWeightedMap {
  public static let name = "grad-cam-plus-plus"
  public static let summary = "Grad-CAM with higher-order pixel weights, better for several instances (Chattopadhyay 2018)."
  public static let settingsHelp: [(String, String)] = [("layer", "target layer: auto or a tensor name")]
  public var layer: LayerChoice = .auto

  public init() {}
  public init(from decoder: Decoder) throws {
    let settings = try SettingsReader(decoder, method: Self.name, known: Self.settingNames)
    layer = try settings.value("layer", default: layer)
  }

  public var variantConventions: [Convention] {
    [Convention("weights", "w_k = Σ α_ij ReLU(g_ij), α = g² / (2g² + ΣA · g³ + 1e-6)")]
  }

  public func channelWeights(_ sample: LayerSample, _ setup: LayerSetup) throws -> [Float] {
    let plane = sample.height * sample.width
    return (0..<sample.channels).map { channel in
      let base = channel * plane
      var activationSum: Double = 0
      for position in 0..<plane { activationSum += Double(sample.activation[base + position]) }
      var weight: Double = 0
      for position in 0..<plane {
        let g = Double(sample.gradient[base + position])
        guard g != 0 else { continue }
        let g2 = g * g
        let alpha = g2 / (2 * g2 + activationSum * g2 * g + 1e-6)
        weight += alpha * max(g, 0)
      }
      return Float(weight)
    }
  }
}
