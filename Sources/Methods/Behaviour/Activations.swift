import Engine

/// One layer's feature maps for each image: the top-k channels by mean activation (or listed
/// channels), each tile min-max scaled on its own, captioned with the channel index and mean.
public struct Activations: VisualizationMethod {
  public static let name = "activations"
  public static let summary = "A layer's feature maps for an image: the most active channels, with their means."
  public static let settingsHelp: [(String, String)] = [
    ("layer", "auto (the last feature map before pooling) or a tensor name"),
    ("top", "number of channels, ranked by mean activation (default 16)"),
    ("channels", "explicit channel list instead, e.g. \"3, 5, 7\""),
    ("columns", "grid columns (default 8)"),
  ]
  public var layer: LayerChoice = .auto
  public var top = 16
  public var channels: ChannelList?
  public var columns = 8

  public init() {}
  public init(from decoder: Decoder) throws {
    let settings = try SettingsReader(decoder, method: Self.name, known: Self.settingNames)
    layer = try settings.value("layer", default: layer)
    top = try settings.value("top", default: top)
    let list = try settings.value("channels", default: ChannelList([]))
    channels = list.indices.isEmpty ? nil : list
    columns = try settings.value("columns", default: columns)
    guard top >= 1, columns >= 1 else { throw MethodError("activations: top and columns must be at least 1") }
  }

  public func run(_ context: MethodContext) throws -> MethodOutput {
    let shape = try context.validatedImageShape()
    let (name, layerShape) = try layer.resolve(in: context.network, inputShape: shape)
    let (c, h, w) = (layerShape[1], layerShape[2], layerShape[3])
    let chosen = try channels?.validated(channels: c, layer: name)
    let activation = try context.network.forward(context.images, mode: .fused, keeping: [name]).tensor(named: name)  // [N, C, h, w]
    let plane = h * w
    var cells: [ImageGrid.Cell] = []
    for image in 0..<shape[0] {
      let offset = image * c * plane
      let means = BehaviourMath.channelMeans(activation.values, offset: offset, channels: c, plane: plane)
      let picked = chosen ?? BehaviourMath.topIndices(means, count: min(top, c))
      for channel in picked {
        let map = Array(activation.values[offset + channel * plane ..< offset + (channel + 1) * plane])
        let prefix = shape[0] > 1 ? "image \(image) · " : ""
        cells.append(ImageGrid.Cell(image: Tensor(shape: [1, h, w], values: Normalization.minMax(map)),
                                    caption: "\(prefix)ch \(channel) · mean \(BehaviourMath.format(means[channel]))"))
      }
    }
    let selection = chosen.map { "channels \(ChannelList($0))" } ?? "top \(min(top, c)) of \(c) channels by mean activation"
    return MethodOutput(.imageGrid(ImageGrid(columns: columns, cells: cells)), conventions: [
      Convention("method", Self.name), Convention("layer", "\(name) [\(c), \(h), \(w)]"), Convention("channels", selection),
      Convention("normalisation", "per-tile min-max (ε 1e-7)"),
    ])
  }
}
