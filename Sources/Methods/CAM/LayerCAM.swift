import Engine

/// Layer-CAM (Jiang et al. 2021): L = ReLU(Σ_k ReLU(g^k) ⊙ A^k).
public struct LayerCAM: ChannelWeightedMap {
  public static let name = "layer-cam"
  public static let summary = "Activations weighted by their positive gradients, position by position (Jiang 2021)."
  public static let settingsHelp: [(String, String)] = [("layer", "target layer: auto or a tensor name")]
  public var layer: LayerChoice = .auto

  public init() {}
  public init(from decoder: Decoder) throws {
    let settings = try SettingsReader(decoder, method: Self.name, known: Self.settingNames)
    layer = try settings.value("layer", default: layer)
  }

  public var variantConventions: [Convention] { [Convention("map", "Σ_k ReLU(g^k) ⊙ A^k")] }

  public func channelWeights(_ sample: LayerSample, _ setup: LayerSetup) throws -> [Float] {
    [Float](repeating: 1, count: sample.channels)
  }

  public func combine(_ sample: LayerSample, _ setup: LayerSetup) throws -> [Float] {
    sample.gradientWeightedSum { max($0, 0) }
  }
}
