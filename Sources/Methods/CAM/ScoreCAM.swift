import Engine
import Foundation

/// Score-CAM (Wang et al. 2020), as pytorch-grad-cam: M_k = A^k upsampled bilinearly to the input
/// size with align_corners = true, min-max normalised per channel (ε 1e-8); s_k = y^c(x ⊙ M_k);
/// w = softmax_k(s). The masked inputs run `batch` at a time, once per image for all targets.
public struct ScoreCAM: ChannelWeightedMap {
  public static let name = "score-cam"
  public static let summary = "Channels weighted by the class score of the image masked with each channel (Wang 2020)."
  public var layer: LayerChoice = .auto
  public var tokens: TokenLayout?
  public var batch = 16

  public static let settings: [Setting<ScoreCAM>] = [.layer, .tokens, Setting("batch", \.batch, "masked images per forward pass", .atLeast(1))]

  public init() {}

  public var needsGradient: Bool { false }
  public var variantConventions: [Convention] {
    [Convention("weights", "softmax_k y(x ⊙ M_k), M_k = min-max(upsample(A^k)) (align_corners = true)"),
     Convention("batch", String(batch))]
  }

  public func channelWeights(_ sample: LayerSample, _ setup: LayerSetup) throws -> [Float] {
    let rows = try maskedScores(sample, setup)
    let scores = rows.map { Double($0[sample.target.index]) }
    let largest = scores.max() ?? 0
    let exps = scores.map { exp($0 - largest) }
    let total = exps.reduce(0, +)
    return exps.map { Float($0 / total) }
  }

  /// Score rows of x ⊙ M_k for every channel k, cached per image.
  func maskedScores(_ sample: LayerSample, _ setup: LayerSetup) throws -> [[Float]] {
    if let cached = setup.cache.rows[sample.imageIndex] { return cached }
    let image = setup.context.images.item(sample.imageIndex)  // [1, C, H, W]
    let (colours, height, width) = (image.shape[1], image.shape[2], image.shape[3])
    let plane = sample.height * sample.width, pixels = height * width
    var rows: [[Float]] = []
    var start = 0
    while start < sample.channels {
      let end = min(start + batch, sample.channels)
      var copies: [Tensor] = []
      for channel in start..<end {
        let feature = Array(sample.activation[channel * plane ..< (channel + 1) * plane])
        var mask = Upsampling.bilinearAlignCorners.resize(feature, height: sample.height, width: sample.width,
                                                          toHeight: height, width: width)
        let low = mask.min() ?? 0, high = mask.max() ?? 0
        mask = mask.map { ($0 - low) / (high - low + 1e-8) }
        var copy = image
        for colour in 0..<colours {
          for pixel in 0..<pixels { copy.values[colour * pixels + pixel] *= mask[pixel] }
        }
        copies.append(copy)
      }
      rows.append(contentsOf: try ScoreGradients.scores(setup.context.network, Tensor.batch(copies)).rows)
      setup.context.progress("score-cam channels", end, sample.channels)
      start = end
    }
    setup.cache.rows[sample.imageIndex] = rows
    return rows
  }
}
