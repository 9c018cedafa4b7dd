import Engine

/// One layer's feature maps for each image: the top-k channels by mean activation (or listed
/// channels), each tile min-max scaled on its own, captioned with the channel index and mean.
public struct Activations: VisualizationMethod {
  public static let name = "activations"
  public static let summary = "A layer's feature maps for an image: the most active channels, with their means."
  public var layer: LayerChoice = .auto
  public var tokens: TokenLayout?
  public var top = 16
  public var channels: ChannelList?
  public var columns = 8

  public static let settings: [Setting<Activations>] = [
    Setting("layer", \.layer, "auto (the last feature map before pooling) or a tensor name"),
    Setting("tokens", \.tokens, TokenLayout.help),
    Setting("top", \.top, "number of channels, ranked by mean activation", .atLeast(1)),
    Setting("channels", \.channels, "an explicit channel list instead, e.g. \"3, 5, 7\""),
    Setting("columns", \.columns, "grid columns", .atLeast(1)),
  ]

  public init() {}

  public func run(_ context: MethodContext) throws -> MethodOutput {
    let shape = try context.validatedImageShape()
    let resolved = try layer.resolve(in: context.network, inputShape: shape, tokens: tokens)
    let (name, c, h, w) = (resolved.name, resolved.grid.channels, resolved.grid.height, resolved.grid.width)
    let chosen = try channels?.validated(channels: c, layer: name)
    let activation = resolved.grid.maps(try context.network.forward(context.images, mode: .fused, keeping: [name]).tensor(named: name))  // [N, C, h, w]
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
      Convention("method", Self.name)] + resolved.conventions + [Convention("channels", selection),
      Convention("normalisation", "per-tile min-max (ε 1e-7)"),
    ])
  }
}
