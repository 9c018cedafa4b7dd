import Engine

/// Ablation-CAM (Desai & Ramaswamy 2020): w_k = (y^c − y^c with A^k zeroed) / y^c. The ablated
/// feature maps run through the rest of the network only, `batch` channels at a time.
public struct AblationCAM: ChannelWeightedMap {
  public static let name = "ablation-cam"
  public static let summary = "Channels weighted by the relative score drop when each is zeroed (Desai 2020)."
  public var layer: LayerChoice = .auto
  public var tokens: TokenLayout?
  public var batch = 16

  public static let settings: [Setting<AblationCAM>] = [.layer, .tokens, Setting("batch", \.batch, "ablated copies per forward pass", .atLeast(1))]

  public init() {}

  public var needsGradient: Bool { false }
  public var variantConventions: [Convention] { [Convention("weights", "w_k = (y − y without A^k) / y"), Convention("batch", String(batch))] }

  public func channelWeights(_ sample: LayerSample, _ setup: LayerSetup) throws -> [Float] {
    let rows = try ablatedScores(sample, setup)
    let score = sample.target.logit
    return rows.map { (score - $0[sample.target.index]) / score }
  }

  /// Score rows with each channel zeroed in turn, cached per image for all targets.
  func ablatedScores(_ sample: LayerSample, _ setup: LayerSetup) throws -> [[Float]] {
    if let cached = setup.cache.rows[sample.imageIndex] { return cached }
    let plane = sample.height * sample.width
    var rows: [[Float]] = []
    var start = 0
    while start < sample.channels {
      let end = min(start + batch, sample.channels)
      var values: [Float] = []
      values.reserveCapacity((end - start) * sample.activation.count)
      for channel in start..<end {
        var copy = sample.activation
        for position in 0..<plane { copy[channel * plane + position] = 0 }
        values.append(contentsOf: copy)
      }
      let replacement = Tensor(shape: [end - start, sample.channels, sample.height, sample.width], values: values)
      let scores = try setup.scores(replacingMapsWith: replacement, image: sample.imageIndex)
      rows.append(contentsOf: scores.rows)
      setup.context.progress("ablation-cam channels", end, sample.channels)
      start = end
    }
    setup.cache.rows[sample.imageIndex] = rows
    return rows
  }
}
