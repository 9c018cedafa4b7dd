import Engine

/// XGrad-CAM (Fu et al. 2020): w_k = Σ_ij (A_ij / (Σ_ab A_ab + 1e-7)) · g_ij (ε as pytorch-grad-cam).
public struct XGradCAM: ChannelWeightedMap {
  public static let name = "xgrad-cam"
  public static let summary = "Gradients weighted by the normalised activation (Fu 2020)."
  public static let settingsHelp: [(String, String)] = [("layer", "target layer: auto or a tensor name")]
  public var layer: LayerChoice = .auto

  public init() {}
  public init(from decoder: Decoder) throws {
    let settings = try SettingsReader(decoder, method: Self.name, known: Self.settingNames)
    layer = try settings.value("layer", default: layer)
  }

  public var variantConventions: [Convention] { [Convention("weights", "w_k = Σ_ij A_ij g_ij / (Σ A + 1e-7)")] }

  public func channelWeights(_ sample: LayerSample, _ setup: LayerSetup) throws -> [Float] {
    let plane = sample.height * sample.width
    return (0..<sample.channels).map { channel in
      let base = channel * plane
      var activationSum: Float = 0, weighted: Float = 0
      for position in 0..<plane {
        activationSum += sample.activation[base + position]
        weighted += sample.activation[base + position] * sample.gradient[base + position]
      }
      return weighted / (activationSum + 1e-7)
    }
  }
}
