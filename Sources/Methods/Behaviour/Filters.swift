import Engine

/// Convolution weights as pictures: the first convolution with 3 input channels by default, each
/// filter [3, kH, kW] shown in RGB; any other convolution as grey per-channel tiles (one row per
/// filter, one tile per input channel). Weights are min-max scaled per filter, or with one scale
/// shared by the whole layer.
public struct Filters: VisualizationMethod {
  public static let name = "filters"
  public static let summary = "Convolution weights as an RGB grid (first layer) or per-channel grey grids (Zeiler & Fergus 2014)."
  public enum Scale: String, Sendable, CaseIterable, SettingChoice { case perFilter = "per-filter", shared }

  public var layer: LayerChoice = .auto
  public var scale: Scale = .perFilter
  public var filters = 64
  public var channels = 16
  public var columns = 8

  public static let settings: [Setting<Filters>] = [
    Setting("layer", \.layer, "auto (the first conv with 3 input channels) or a Conv node or output tensor name"),
    Setting("scale", \.scale, "per-filter or shared min-max scaling"),
    Setting("filters", \.filters, "at most this many filters", .atLeast(1)),
    Setting("channels", \.channels, "grey grids: at most this many input channels per filter", .atLeast(1)),
    Setting("columns", \.columns, "RGB grid columns", .atLeast(1)),
  ]

  public init() {}

  public func run(_ context: MethodContext) throws -> MethodOutput {
    let node = try Self.convolution(layer, in: context.network)
    guard let conv = node.op as? Conv else { throw MethodError("node '\(node.name)' is not a convolution") }
    let weights = conv.weights  // [M, C/group, kH, kW]
    let (m, c, kh, kw) = (weights.shape[0], weights.shape[1], weights.shape[2], weights.shape[3])
    let shown = min(m, filters), perFilter = c * kh * kw
    let sharedRange = scale == .shared ? Self.range(weights.values[0 ..< shown * perFilter]) : nil
    var cells: [ImageGrid.Cell] = []
    let rgb = c == 3
    let shownChannels = rgb ? 3 : min(c, channels)
    for filter in 0..<shown {
      let slice = weights.values[filter * perFilter ..< (filter + 1) * perFilter]
      let (low, high) = sharedRange ?? Self.range(slice)
      let scaled = slice.map { ($0 - low) / max(high - low, 1e-12) }
      if rgb {
        cells.append(ImageGrid.Cell(image: Tensor(shape: [3, kh, kw], values: scaled), caption: "\(filter)"))
      } else {
        for channel in 0..<shownChannels {
          let plane = Array(scaled[channel * kh * kw ..< (channel + 1) * kh * kw])
          cells.append(ImageGrid.Cell(image: Tensor(shape: [1, kh, kw], values: plane), caption: "f\(filter) c\(channel)"))
        }
      }
    }
    var conventions = [
      Convention("method", Self.name), Convention("layer", node.name), Convention("weights", "\(weights.shape)"),
      Convention("display", rgb ? "RGB, one tile per filter" : "grey, one row per filter, one tile per input channel"),
      Convention("scaling", scale == .shared ? "min-max shared by the layer" : "min-max per filter"),
    ]
    if shown < m { conventions.append(Convention("shown", "first \(shown) of \(m) filters")) }
    if !rgb && shownChannels < c { conventions.append(Convention("channels shown", "first \(shownChannels) of \(c)")) }
    return MethodOutput(.imageGrid(ImageGrid(columns: rgb ? columns : shownChannels, cells: cells)), conventions: conventions)
  }

  /// The chosen Conv node: `auto` is the first with 3 input channels (else the first); a name
  /// matches the node or its output tensor.
  static func convolution(_ choice: LayerChoice, in network: Network) throws -> Node {
    let convs = network.nodes.filter { $0.op is Conv }
    guard let firstConv = convs.first else { throw MethodError("the network has no convolution") }
    switch choice {
    case .auto:
      return convs.first { ($0.op as? Conv).map { $0.weights.shape[1] * $0.group == 3 } ?? false } ?? firstConv
    case .named(let name):
      if let found = convs.first(where: { $0.name == name || $0.outputs.contains(name) }) { return found }
      let candidates = convs.map(\.name) + convs.flatMap(\.outputs)
      let suggestions = closestNames(to: name, in: candidates, count: 3)
      throw MethodError("no convolution named '\(name)'; closest: \(suggestions.joined(separator: ", ")) (`convlens inspect` lists them)")
    }
  }

  static func range(_ values: ArraySlice<Float>) -> (Float, Float) {
    (values.min() ?? 0, values.max() ?? 0)
  }
}
