import Engine

/// Maximally activating patches (Zeiler & Fergus 2014): for a layer's channel (or its most active
/// channels), the k dataset images where the channel peaks highest, each cropped to the
/// receptive field of the peak unit (`ReceptiveFieldAnalysis`). One peak per image and channel,
/// so the k patches come from k different images.
public struct MaxPatches: VisualizationMethod {
  public static let name = "max-patches"
  public static let summary = "Dataset patches that most activate a channel, cropped to the unit's receptive field (Zeiler & Fergus 2014)."
  public var layer: LayerChoice = .auto
  public var tokens: TokenLayout?
  public var channels: ChannelList?
  public var topChannels = 4
  public var k = 9
  public var batch = 16

  public static let settings: [Setting<MaxPatches>] = [
    Setting("layer", \.layer, "auto (the last feature map before pooling) or a tensor name"),
    Setting("tokens", \.tokens, TokenLayout.help),
    Setting("channels", \.channels, "a channel list, e.g. \"3, 5\"", default: "the top channels by mean activation over the dataset"),
    Setting("top-channels", \.topChannels, "how many channels when none are listed", .atLeast(1)),
    Setting("k", \.k, "patches per channel", .atLeast(1)),
    Setting("batch", \.batch, "dataset images per forward pass", .atLeast(1)),
  ]

  public init() {}

  struct Peak { var value: Float; var image: Int; var row: Int; var column: Int }

  public func run(_ context: MethodContext) throws -> MethodOutput {
    let dataset = try context.requireDataset(Self.name)
    let first = try dataset.image(at: 0)  // [3, H, W]
    let inputShape = [1] + first.shape
    let resolved = try layer.resolve(in: context.network, inputShape: inputShape, tokens: tokens)
    let (name, c, h, w) = (resolved.name, resolved.grid.channels, resolved.grid.height, resolved.grid.width)
    let listed = try channels?.validated(channels: c, layer: name)
    // A token's own patch of the image grid: attention lets it see the whole image, so no field is smaller.
    let field = resolved.grid.arrangement == .channelsFirst
      ? try ReceptiveFieldAnalysis.field(of: name, in: context.network, inputShape: inputShape)
      : ReceptiveField(size: [first.shape[1] / h, first.shape[2] / w], jump: [first.shape[1] / h, first.shape[2] / w], first: [0, 0])
    // Per channel: its best peaks so far (at most k, one per image), and the sum of its means.
    var peaks = [[Peak]](repeating: [], count: c)
    var meanSums = [Double](repeating: 0, count: c)
    let plane = h * w
    try DatasetBatches.forEach(dataset, batch: batch) { range, images in
      let activation = resolved.grid.maps(try context.network.forward(images, mode: .fused, keeping: [name]).tensor(named: name))  // [B, C, h, w]
      for (offset, image) in range.enumerated() {
        for channel in 0..<c {
          let base = (offset * c + channel) * plane
          var best = 0
          var sum: Float = 0
          for position in 0..<plane {
            sum += activation.values[base + position]
            if activation.values[base + position] > activation.values[base + best] { best = position }
          }
          meanSums[channel] += Double(sum / Float(plane))
          let peak = Peak(value: activation.values[base + best], image: image, row: best / w, column: best % w)
          Self.keep(peak, in: &peaks[channel], k: k)
        }
      }
      context.progress("max-patches over the dataset", range.upperBound, dataset.count)
    }
    let chosen = listed ?? BehaviourMath.topIndices(meanSums.map { Float($0) }, count: min(topChannels, c))
    var cells: [ImageGrid.Cell] = []
    for channel in chosen {
      for peak in peaks[channel] {
        let picture = try DatasetBatches.displayImage(dataset, at: peak.image)
        let window = field.window(row: peak.row, column: peak.column)
        let patch = Self.crop(picture, top: window.top, left: window.left, height: window.height, width: window.width)
        let label = dataset.label(at: peak.image).map { " · \(dataset.className(for: $0))" } ?? ""
        cells.append(ImageGrid.Cell(image: patch, caption: "ch \(channel) · \(BehaviourMath.format(peak.value))\(label)"))
      }
    }
    return MethodOutput(.imageGrid(ImageGrid(columns: k, cells: cells)), conventions: [
      Convention("method", "maximally activating patches (Zeiler & Fergus 2014)")] + resolved.conventions + [
      Convention("channels", listed.map { ChannelList($0).description } ?? "top \(chosen.count) by mean activation over the dataset: \(ChannelList(chosen))"),
      Convention("receptive field", resolved.grid.arrangement == .channelsFirst
        ? "\(field.size[0])×\(field.size[1]) px, jump \(field.jump[0])×\(field.jump[1]) px"
        : "the token's own \(field.size[0])×\(field.size[1]) px patch (through attention every token sees the whole image)"),
      Convention("patches", "top \(k) images per channel by peak activation, one peak each; outside the image shown grey"),
      Convention("dataset", "\(dataset.count) images"),
    ])
  }

  /// Inserts `peak` into `list` (sorted by value, largest first, at most k).
  static func keep(_ peak: Peak, in list: inout [Peak], k: Int) {
    if list.count == k, let last = list.last, last.value >= peak.value { return }
    let position = list.firstIndex { $0.value < peak.value } ?? list.count
    list.insert(peak, at: position)
    if list.count > k { list.removeLast() }
  }

  /// The window of a [3, H, W] picture; a window larger than the picture along an axis is cut to
  /// the picture, parts outside the picture are 0.5 grey.
  static func crop(_ picture: Tensor, top: Int, left: Int, height: Int, width: Int) -> Tensor {
    let (imageHeight, imageWidth) = (picture.shape[1], picture.shape[2])
    let (rows, columns) = (min(height, imageHeight), min(width, imageWidth))
    let startRow = height > imageHeight ? 0 : top, startColumn = width > imageWidth ? 0 : left
    var values = [Float](repeating: 0.5, count: 3 * rows * columns)
    for channel in 0..<3 {
      for row in 0..<rows {
        let y = startRow + row
        guard y >= 0 && y < imageHeight else { continue }
        for column in 0..<columns {
          let x = startColumn + column
          guard x >= 0 && x < imageWidth else { continue }
          values[(channel * rows + row) * columns + column] = picture.values[(channel * imageHeight + y) * imageWidth + x]
        }
      }
    }
    return Tensor(shape: [3, rows, columns], values: values)
  }
}
