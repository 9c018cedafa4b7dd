import Engine

/// Occlusion (Zeiler & Fergus 2014), captum's convention: a window (all channels) slides with a
/// stride, filled with the baseline; each pixel gets the mean, over the windows covering it, of
/// y^c(x) − y^c(occluded). The occluded copies run in batches; every target class reuses them.
public struct Occlusion: VisualizationMethod {
  public static let name = "occlusion"
  public static let summary = "Score drop when a sliding window of the image is replaced by a baseline (Zeiler & Fergus 2014)."
  public var window = 32
  public var stride = 16
  public var baseline: Float = 0
  public var batch = 16
  public var incremental = true

  public static let settings: [Setting<Occlusion>] = [
    Setting("window", \.window, "window side in pixels", .atLeast(1)),
    Setting("stride", \.stride, "window step in pixels", .atLeast(1)),
    Setting("baseline", \.baseline, "fill value in normalised space, 0 being the dataset mean colour"),
    Setting("batch", \.batch, "occluded copies per forward pass", .atLeast(1)),
    Setting("incremental", \.incremental,
            "recompute only the region each window reaches, `batch` windows at a time (exact); false runs whole occluded copies"),
  ]

  public init() {}

  /// Top-left corners of the windows along an axis of `size`: 0, s, 2s, … until the windows cover the
  /// axis, 1 + ⌈(size − window) / s⌉ of them; the last may hang over the edge and is cut there (captum's
  /// convention: every pixel is covered).
  static func offsets(size: Int, window: Int, stride: Int) -> [Int] {
    guard size > window else { return [0] }
    return (0...(size - window + stride - 1) / stride).map { $0 * stride }
  }

  public func run(_ context: MethodContext) throws -> MethodOutput {
    let shape = try context.validatedImageShape()
    let (channels, height, width) = (shape[1], shape[2], shape[3])
    let rows = Occlusion.offsets(size: height, window: window, stride: stride)
    let columns = Occlusion.offsets(size: width, window: window, stride: stride)
    let corners = rows.flatMap { top in columns.map { (top, $0) } }
    let conventions = [Convention("window", "\(window)×\(window)"), Convention("stride", String(stride)),
                       Convention("baseline", "\(baseline) (normalised space)"), Convention("batch", String(batch)),
                       Convention("inference", incremental ? "incremental (changed regions only)" : "whole copies, batched"),
                       Convention("value", "mean over covering windows of y(x) − y(occluded)")]
    // Scores of every occluded copy, per image: [windows][K], computed once for all targets.
    var occludedScores: [[[Float]]] = []
    return try PixelAttributionRunner.run(context, method: Self.name, signed: true, reduction: .sum,
                                          conventions: conventions) { classes in
      if occludedScores.isEmpty {
        for imageIndex in 0..<context.imageCount {
          context.progress("occlusion image \(imageIndex + 1)", imageIndex, context.imageCount)
          occludedScores.append(try scores(of: context.images.item(imageIndex), corners: corners, network: context.network))
        }
      }
      var values: [Tensor] = []
      for imageIndex in 0..<context.imageCount {
        let image = context.images.item(imageIndex)
        let original = try ScoreGradients.scores(context.network, image).values[classes[imageIndex]]
        var sum = [Float](repeating: 0, count: height * width)
        var count = [Float](repeating: 0, count: height * width)
        for (cornerIndex, (top, left)) in corners.enumerated() {
          let drop = original - occludedScores[imageIndex][cornerIndex][classes[imageIndex]]
          for y in top..<min(top + window, height) {
            for x in left..<min(left + window, width) {
              sum[y * width + x] += drop
              count[y * width + x] += 1
            }
          }
        }
        let plane = zip(sum, count).map { $1 > 0 ? $0 / $1 : 0 }
        values.append(Tensor(shape: [channels, height, width], values: Array((0..<channels).map { _ in plane }.joined())))
      }
      return (values, [])
    }
  }

  /// Score rows of `image` [1, C, H, W] with each window filled by the baseline, `batch` at a time.
  func scores(of image: Tensor, corners: [(Int, Int)], network: Network) throws -> [[Float]] {
    let (channels, height, width) = (image.shape[1], image.shape[2], image.shape[3])
    var result: [[Float]] = []
    if incremental {
      // `batch` windows of one size (those cut at an edge are smaller) at a time through the changed
      // regions only (the engine's IncrementalForward).
      let forward = try IncrementalForward(network: network, image: image, scoreName: ClassScores.tensorName(network))
      let regions = corners.map { top, left in
        Region(top: top, left: left, bottom: min(top + window, height), right: min(left + window, width))
      }
      var rows = [[Float]](repeating: [], count: regions.count)
      var pending = Array(regions.indices)
      while let first = pending.first {
        let sameSize = pending.filter { regions[$0].height == regions[first].height && regions[$0].width == regions[first].width }
        pending.removeAll { sameSize.contains($0) }
        for start in Swift.stride(from: 0, to: sameSize.count, by: batch) {
          let chunk = Array(sameSize[start..<min(start + batch, sameSize.count)])
          let (h, w) = (regions[first].height, regions[first].width)
          let patches = Tensor(shape: [chunk.count, channels, h, w],
                               values: [Float](repeating: baseline, count: chunk.count * channels * h * w))
          for (index, row) in zip(chunk, try forward.scores(replacing: chunk.map { regions[$0] }, with: patches)) {
            rows[index] = row
          }
        }
      }
      return rows
    }
    var start = 0
    while start < corners.count {
      let end = min(start + batch, corners.count)
      var copies: [Tensor] = []
      for (top, left) in corners[start..<end] {
        var copy = image
        for channel in 0..<channels {
          for y in top..<min(top + window, height) {
            let row = (channel * height + y) * width
            for x in left..<min(left + window, width) { copy.values[row + x] = baseline }
          }
        }
        copies.append(copy)
      }
      result.append(contentsOf: try ScoreGradients.scores(network, Tensor.batch(copies)).rows)
      start = end
    }
    return result
  }
}
