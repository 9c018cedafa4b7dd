import Engine

/// HiResCAM (Draelos & Carin 2020): L = ReLU(Σ_k g^k ⊙ A^k), the element-wise product in place of
/// averaged gradients.
public struct HiResCAM: ChannelWeightedMap {
  public static let name = "hires-cam"
  public static let summary = "Element-wise gradient × activation summed over channels (Draelos 2020)."
  public static let settingsHelp: [(String, String)] = [("layer", "target layer: auto or a tensor name")]
  public var layer: LayerChoice = .auto

  public init() {}
  public init(from decoder: Decoder) throws {
    let settings = try SettingsReader(decoder, method: Self.name, known: Self.settingNames)
    layer = try settings.value("layer", default: layer)
  }

  public var variantConventions: [Convention] { [Convention("map", "Σ_k g^k ⊙ A^k")] }

  public func channelWeights(_ sample: LayerSample, _ setup: LayerSetup) throws -> [Float] {
    [Float](repeating: 1, count: sample.channels)
  }

  public func combine(_ sample: LayerSample, _ setup: LayerSetup) throws -> [Float] {
    sample.gradientWeightedSum { $0 }
  }
}
