import Engine

/// The layer a channel-weighted method looks at: `auto` (the network's default CAM layer: the last
/// 4-D tensor with spatial size > 1) or a tensor name as `convlens inspect` lists it.
public enum LayerChoice: Sendable, Equatable, CustomStringConvertible, SettingConvertible {
  case auto
  case named(String)

  /// A tensor name or `auto`; a number is a name too (older torch exports name tensors "191").
  public init(setting value: SettingValue) throws {
    switch value {
    case .string(let text): self = LayerChoice.parse(text)
    case .int(let number): self = .named(String(number))
    default: throw SettingMismatch.kind
    }
  }
  public static var settingKind: String { "auto or a tensor name" }
  public var settingText: String { description }

  public static func parse(_ text: String) -> LayerChoice {
    text.lowercased() == "auto" || text.isEmpty ? .auto : .named(text)
  }

  public var description: String {
    switch self {
    case .auto: return "auto"
    case .named(let name): return name
    }
  }

  /// The layer for an input of `inputShape`, read as feature maps: a CNN map [N, C, h, w] as it is, a
  /// token tensor [N, T, C] or a channels-last map [N, H, W, C] through its `FeatureGrid`.
  public func resolve(in network: Network, inputShape: [Int], tokens: TokenLayout? = nil) throws -> ResolvedLayer {
    let graph = try TransformerGraph(network, inputShape: inputShape)
    let name: String, rule: String?
    switch self {
    case .auto: (name, rule) = try graph.automaticLayer()
    case .named(let given):
      guard graph.shapes[given] != nil, network.tensorNames.contains(given) else {
        let suggestions = closestNames(to: given, in: network.tensorNames, count: 3)
        throw MethodError("no tensor named '\(given)' in the network; closest: \(suggestions.joined(separator: ", ")) (`convlens inspect` lists them)")
      }
      (name, rule) = (given, nil)
    }
    let shape = graph.shapes[name] ?? []
    let grid = try FeatureGrid.resolve(name, shape: shape, tokens: tokens, patchGrid: graph.patchGrid,
                                       channelsLast: graph.isChannelsLast(name))
    return ResolvedLayer(name: name, batch: shape[0], grid: grid, rule: rule)
  }
}

/// A layer chosen for a method: its tensor, how it reads as maps, and why `auto` chose it.
public struct ResolvedLayer: Sendable {
  public let name: String
  public let batch: Int
  public let grid: FeatureGrid
  /// How `auto` chose the layer (nil when it was named).
  public let rule: String?

  /// The maps' shape [N, C, h, w].
  public var shape: [Int] { [batch, grid.channels, grid.height, grid.width] }

  /// The caption lines: the tensor, its maps, how tokens were read, why it was chosen.
  public var conventions: [Convention] {
    [Convention("layer", "\(name) [\(grid.channels), \(grid.height), \(grid.width)]" + (rule.map { " (auto: \($0))" } ?? ""))]
      + (grid.description.map { [Convention("tokens", $0)] } ?? [])
  }
}
