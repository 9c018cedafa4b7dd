import Engine

/// Grad-CAM (Selvaraju et al. 2017): w_k = mean_ij ∂y^c/∂A^k_ij.
public struct GradCAM: ChannelWeightedMap {
  public static let name = "grad-cam"
  public static let summary = "Channels weighted by their mean gradient of the class score (Selvaraju 2017)."
  public var layer: LayerChoice = .auto
  public var tokens: TokenLayout?
  public var relu = true
  public var counterfactual = false

  public static let settings: [Setting<GradCAM>] = [
    Setting("layer", \.layer, "target layer: auto (the last 4-D map before pooling; for transformers the last block's normalisation) or a tensor name"),
    .tokens,
    Setting("relu", \.relu, "apply the ReLU to the map; false keeps the signed map"),
    Setting("counterfactual", \.counterfactual, "negate the gradients: regions that argue against the class"),
  ]

  public init() {}

  public var gradientSign: Float { counterfactual ? -1 : 1 }
  public var keepsSign: Bool { !relu }
  public var variantConventions: [Convention] {
    [Convention("weights", counterfactual ? "w_k = mean_ij(−dy/dA^k) (counterfactual)" : "w_k = mean_ij dy/dA^k")]
  }

  public func channelWeights(_ sample: LayerSample, _ setup: LayerSetup) throws -> [Float] {
    BehaviourMath.channelMeans(sample.gradient, channels: sample.channels, plane: sample.height * sample.width)
  }
}
