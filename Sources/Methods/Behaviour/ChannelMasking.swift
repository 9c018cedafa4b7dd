import Engine

/// Channel masking: zero channels of a layer and report the change of the target score y^c. Each
/// channel is zeroed on its own (the rest of the network re-run from that layer, in batches);
/// the channels whose removal lowers y^c most are shown with their activation maps, and the
/// table also gives the drop with the top-k (or the listed) channels zeroed together.
public struct ChannelMasking: VisualizationMethod {
  public static let name = "channel-masking"
  public static let summary = "Score drop when a layer's channels are zeroed; the channels that matter most, with their maps."
  public var layer: LayerChoice = .auto
  public var tokens: TokenLayout?
  public var top = 8
  public var channels: ChannelList?
  public var batch = 16

  public static let settings: [Setting<ChannelMasking>] = [
    Setting("layer", \.layer, "auto (the last feature map before pooling) or a tensor name"),
    Setting("tokens", \.tokens, TokenLayout.help),
    Setting("top", \.top, "channels to show, ranked by score drop", .atLeast(1)),
    Setting("channels", \.channels, "channels to zero together as well, e.g. \"3, 5\"", default: "the top ones"),
    Setting("batch", \.batch, "masked copies per forward pass", .atLeast(1)),
  ]

  public init() {}

  public func run(_ context: MethodContext) throws -> MethodOutput {
    let shape = try context.validatedImageShape()
    let resolved = try layer.resolve(in: context.network, inputShape: shape, tokens: tokens)
    let (name, c, h, w) = (resolved.name, resolved.grid.channels, resolved.grid.height, resolved.grid.width)
    let listed = try channels?.validated(channels: c, layer: name)
    let scoreName = ClassScores.tensorName(context.network)
    let trace = try context.network.forward(context.images)
    let classes = try ClassScores.resolve(context, scores: trace.tensor(named: scoreName))
    let layerTensor = try trace.tensor(named: name)
    let activation = resolved.grid.maps(layerTensor)  // [N, C, h, w]
    let plane = h * w
    var cells: [ImageGrid.Cell] = []
    var rows: [[String]] = []
    for image in 0..<shape[0] {
      let original = Array(activation.values[image * c * plane ..< (image + 1) * c * plane])
      let means = BehaviourMath.channelMeans(original, channels: c, plane: plane)
      // Score rows with each channel zeroed on its own.
      var masked: [[Float]] = []
      var start = 0
      while start < c {
        let end = min(start + batch, c)
        masked += try scoreRows(trace: trace, image: image, layer: resolved, original: layerTensor, scoreName: scoreName,
                                maps: original, masks: (start..<end).map { [$0] })
        context.progress("channel-masking", end, c)
        start = end
      }
      for perImage in classes {
        let target = perImage[image]
        let drops = masked.map { target.logit - $0[target.index] }
        let ranked = BehaviourMath.topIndices(drops, count: min(top, c))
        let together = listed ?? ranked
        let joint = try scoreRows(trace: trace, image: image, layer: resolved, original: layerTensor, scoreName: scoreName,
                                  maps: original, masks: [together])[0][target.index]
        let prefix = shape[0] > 1 || classes.count > 1 ? "image \(image), \(target.label): " : ""
        for channel in ranked {
          let map = Array(original[channel * plane ..< (channel + 1) * plane])
          cells.append(ImageGrid.Cell(image: Tensor(shape: [1, h, w], values: Normalization.minMax(map)),
                                      caption: "\(prefix)ch \(channel) · Δy = \(BehaviourMath.format(-drops[channel]))"))
          rows.append([String(image), "\(target.label) (\(target.index))", String(channel), BehaviourMath.format(means[channel]),
                       BehaviourMath.format(target.logit), BehaviourMath.format(masked[channel][target.index]), BehaviourMath.format(-drops[channel])])
        }
        rows.append([String(image), "\(target.label) (\(target.index))", "\(listed == nil ? "top \(together.count)" : "listed") together: \(ChannelList(together))",
                     "", BehaviourMath.format(target.logit), BehaviourMath.format(joint), BehaviourMath.format(joint - target.logit)])
      }
    }
    let table = ResultTable(header: ["image", "class", "channel(s) zeroed", "mean activation", "y", "y zeroed", "Δy"], rows: rows)
    return MethodOutput(.imageGrid(ImageGrid(columns: min(top, 8), cells: cells, table: table)), conventions: [
      Convention("method", "channel masking")] + resolved.conventions + [
      Convention("score", "pre-softmax logit of '\(scoreName)'"),
      Convention("ranking", "channels by the drop of y^c when zeroed alone, largest first"),
      Convention("maps", "activation of each shown channel, per-tile min-max"),
    ])
  }

  /// Score rows [K] for each mask (a set of channels zeroed in one copy of image `image`'s maps
  /// [C, h, w]); `original` is the layer's own tensor [N, ...], whose prefix tokens stay.
  func scoreRows(trace: Trace, image: Int, layer: ResolvedLayer, original: Tensor, scoreName: String, maps: [Float],
                 masks: [[Int]]) throws -> [[Float]] {
    let grid = layer.grid, plane = grid.height * grid.width
    var values: [Float] = []
    values.reserveCapacity(masks.count * maps.count)
    for mask in masks {
      var copy = maps
      for channel in mask { for position in 0..<plane { copy[channel * plane + position] = 0 } }
      values += copy
    }
    let replacement = grid.layerTensor(Tensor(shape: [masks.count, grid.channels, grid.height, grid.width], values: values),
                                       prefixFrom: original.item(image))
    return try trace.tensor(named: scoreName, replacing: layer.name, with: replacement, item: image).rows
  }
}
