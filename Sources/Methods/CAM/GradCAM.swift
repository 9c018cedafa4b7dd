import Engine

/// Grad-CAM (Selvaraju et al. 2017): w_k = mean_ij ∂y^c/∂A^k_ij.
public struct GradCAM: ChannelWeightedMap {
  public static let name = "grad-cam"
  public static let summary = "Channels weighted by their mean gradient of the class score (Selvaraju 2017)."
  public static let settingsHelp: [(String, String)] = [
    ("layer", "target layer: auto (last 4-D map before pooling) or a tensor name"),
    ("relu", "apply the ReLU to the map (default true; false keeps the signed map)"),
    ("counterfactual", "negate the gradients: regions that argue against the class (default false)"),
  ]
  public var layer: LayerChoice = .auto
  public var relu = true
  public var counterfactual = false

  public init() {}
  public init(from decoder: Decoder) throws {
    let settings = try SettingsReader(decoder, method: Self.name, known: Self.settingNames)
    layer = try settings.value("layer", default: layer)
    relu = try settings.value("relu", default: relu)
    counterfactual = try settings.value("counterfactual", default: counterfactual)
  }

  public var gradientSign: Float { counterfactual ? -1 : 1 }
  public var keepsSign: Bool { !relu }
  public var variantConventions: [Convention] {
    [Convention("weights", counterfactual ? "w_k = mean_ij(−dy/dA^k) (counterfactual)" : "w_k = mean_ij dy/dA^k")]
  }

  public func channelWeights(_ sample: LayerSample, _ setup: LayerSetup) throws -> [Float] {
    channelMeans(sample.gradient, channels: sample.channels, plane: sample.height * sample.width)
  }
}
