import Engine

/// How a layer's tensor is read as feature maps [C, h, w], the form every layer method (the CAM family,
/// activations, channel masking, max-patches) works in: CNN maps [N, C, h, w] as they are; transformer
/// tokens [N, T, C] with the prefix tokens (class, distillation, register tokens) dropped and the other
/// T − prefix laid out row by row on an h × w grid (pytorch-grad-cam's ViT `reshape_transform`); and
/// channels-last maps [N, H, W, C] (Swin stages, ConvNeXt blocks) transposed.
public struct FeatureGrid: Sendable, Equatable, Codable {
  public enum Arrangement: String, Sendable, Equatable, Codable, CaseIterable {
    case channelsFirst = "channels-first", channelsLast = "channels-last", tokens
  }
  public var arrangement: Arrangement
  /// Tokens before the grid (tokens only).
  public var prefix: Int
  public var channels: Int
  public var height: Int
  public var width: Int
  /// The layer's shape for one image as the network has it: [C, h, w], [T, C] or [H, W, C].
  public var layerShape: [Int]

  /// Feature maps [C, h, w] as they are.
  public static func channelsFirst(_ shape: [Int]) -> FeatureGrid {
    FeatureGrid(arrangement: .channelsFirst, prefix: 0, channels: shape[1], height: shape[2], width: shape[3],
                layerShape: Array(shape.dropFirst()))
  }

  /// Reads a tensor of `shape` (batch first) from layer `name`. `tokens` is the user's setting (prefix
  /// and/or grid, or the 4-D arrangement); `patchGrid` the grid of the model's patch embedding, if any;
  /// `channelsLast` whether the graph shows the 4-D tensor's last axis is its features (a normalisation over it).
  public static func resolve(_ name: String, shape: [Int], tokens: TokenLayout?, patchGrid: [Int]?,
                             channelsLast: Bool) throws -> FeatureGrid {
    switch shape.count {
    case 4:
      if tokens?.arrangement == .tokens {
        throw MethodError("layer '\(name)' has shape \(shape), not tokens [N, T, C]; set `tokens: channels-last` or `channels-first` for a 4-D layer")
      }
      if tokens?.arrangement.map({ $0 == .channelsLast }) ?? channelsLast {
        return FeatureGrid(arrangement: .channelsLast, prefix: 0, channels: shape[3], height: shape[1], width: shape[2],
                           layerShape: Array(shape.dropFirst()))
      }
      return channelsFirst(shape)
    case 3:
      if let arrangement = tokens?.arrangement, arrangement != .tokens {
        throw MethodError("layer '\(name)' has shape \(shape): tokens [N, T, C], not a \(arrangement.rawValue) map; drop `tokens: \(arrangement.rawValue)`")
      }
      let (prefix, grid) = try tokenGrid(name, count: shape[1], tokens: tokens, patchGrid: patchGrid)
      return FeatureGrid(arrangement: .tokens, prefix: prefix, channels: shape[2], height: grid[0], width: grid[1],
                         layerShape: Array(shape.dropFirst()))
    default:
      throw MethodError("layer '\(name)' has shape \(shape): not feature maps [N, C, h, w], tokens [N, T, C] or channels-last maps [N, H, W, C]; choose another layer (`convlens inspect` lists them)")
    }
  }

  /// The prefix and grid of T tokens: as set, else from the patch embedding's h × w grid or that grid
  /// halved 1-5 times (T − h·w/4ᵏ prefix tokens, at most 8: hierarchical transformers such as Swin merge
  /// 2 × 2 tokens per stage, so a 224 × 320 input's last stage is 7 × 10), else the smallest prefix
  /// (0 to 8) that leaves a square.
  static func tokenGrid(_ name: String, count: Int, tokens: TokenLayout?, patchGrid: [Int]?) throws -> (Int, [Int]) {
    let hint = "set `tokens: {prefix: P, grid: [h, w]}` (P class/distillation/register tokens before an h × w grid)"
    if let grid = tokens?.grid {
      guard grid.count == 2, grid.allSatisfy({ $0 >= 1 }) else { throw MethodError("tokens: grid must be two positive sizes [h, w], got \(grid)") }
      let prefix = tokens?.prefix ?? count - grid[0] * grid[1]
      guard prefix >= 0, prefix + grid[0] * grid[1] == count else {
        throw MethodError("layer '\(name)' has \(count) tokens, not \(tokens?.prefix.map(String.init) ?? "some") prefix tokens plus a \(grid[0]) × \(grid[1]) grid; \(hint)")
      }
      return (prefix, grid)
    }
    let prefixes = tokens?.prefix.map { [$0] } ?? Array(0...8)
    if let patchGrid, patchGrid.count == 2 {
      for factor in [1, 2, 4, 8, 16, 32] where patchGrid[0] % factor == 0 && patchGrid[1] % factor == 0 {
        let grid = [patchGrid[0] / factor, patchGrid[1] / factor]
        if prefixes.contains(count - grid[0] * grid[1]) { return (count - grid[0] * grid[1], grid) }
      }
    }
    for prefix in prefixes where prefix >= 0 && prefix < count {
      let side = Int(Double(count - prefix).squareRoot().rounded())
      if side > 1, side * side == count - prefix { return (prefix, [side, side]) }
    }
    throw MethodError("layer '\(name)' has \(count) tokens, which is not \(tokens?.prefix.map { "\($0) prefix tokens" } ?? "a few prefix tokens") plus a square grid; \(hint)")
  }

  /// [N, C, h, w] from the layer's tensor [N, ...].
  public func maps(_ tensor: Tensor) -> Tensor {
    let n = tensor.shape[0], plane = height * width
    switch arrangement {
    case .channelsFirst: return tensor
    case .tokens, .channelsLast:
      // Token t = prefix + y·w + x (or position (y, x) of a channels-last map) holds channel c at t·C + c.
      let stride = arrangement == .tokens ? layerShape[0] * channels : plane * channels
      var values = [Float](repeating: 0, count: n * channels * plane)
      for item in 0..<n {
        let source = item * stride + prefix * channels, target = item * channels * plane
        for position in 0..<plane {
          for channel in 0..<channels {
            values[target + channel * plane + position] = tensor.values[source + position * channels + channel]
          }
        }
      }
      return Tensor(shape: [n, channels, height, width], values: values)
    }
  }

  /// The layer's tensor [N, ...] from maps [N, C, h, w]; prefix tokens are taken from `original` (the
  /// layer's own tensor, [N or 1, ...]: they are not on the grid).
  public func layerTensor(_ maps: Tensor, prefixFrom original: Tensor) -> Tensor {
    guard arrangement != .channelsFirst else { return maps }
    let n = maps.shape[0], plane = height * width
    let perItem = layerShape.reduce(1, *), originalItems = max(original.shape[0], 1)
    var values = [Float](repeating: 0, count: n * perItem)
    for item in 0..<n {
      let target = item * perItem, kept = (item % originalItems) * perItem
      for index in 0..<(prefix * channels) { values[target + index] = original.values[kept + index] }
      for position in 0..<plane {
        for channel in 0..<channels {
          values[target + (prefix + position) * channels + channel] = maps.values[(item * channels + channel) * plane + position]
        }
      }
    }
    return Tensor(shape: [n] + layerShape, values: values)
  }

  /// What was done, for captions ("197 tokens → class token dropped, 14 × 14 grid"); nil for CNN maps.
  public var description: String? {
    switch arrangement {
    case .channelsFirst: return nil
    case .channelsLast: return "channels-last \(layerShape) → \(channels) maps of \(height) × \(width)"
    case .tokens:
      let dropped: String
      switch prefix {
      case 0: dropped = "no prefix token"
      case 1: dropped = "class token dropped"
      case 2: dropped = "class and distillation tokens dropped"
      default: dropped = "\(prefix) prefix tokens dropped"
      }
      return "\(layerShape[0]) tokens → \(dropped), \(height) × \(width) grid"
    }
  }
}

/// The `tokens:` setting: how to read a layer when its form cannot be inferred. Written as a mapping
/// `{prefix: 1, grid: [14, 14]}` (either key alone too), a number (the prefix), or the arrangement of a
/// 4-D layer (`channels-last`, `channels-first`).
public struct TokenLayout: Sendable, Equatable, Codable, SettingConvertible {
  public var prefix: Int?
  public var grid: [Int]?
  public var arrangement: FeatureGrid.Arrangement?
  public init(prefix: Int? = nil, grid: [Int]? = nil, arrangement: FeatureGrid.Arrangement? = nil) {
    (self.prefix, self.grid, self.arrangement) = (prefix, grid, arrangement)
  }

  /// The `tokens` setting's help, one text for every layer method.
  public static let help = "a token layer [N, T, C] as maps: {prefix: P, grid: [h, w]} (P class/distillation/register tokens), or channels-last for [N, H, W, C]"

  /// The help of the attention methods' `tokens` setting.
  public static let sequenceHelp = "the token sequence's prefix and patch grid, when not inferred: {prefix: P, grid: [h, w]}"

  public static var settingKind: String { "{prefix: P, grid: [h, w]}, a prefix count, or channels-last / channels-first" }
  public var settingText: String {
    var parts: [String] = []
    if let prefix { parts.append("prefix: \(prefix)") }
    if let grid { parts.append("grid: \(grid)") }
    if let arrangement { parts.append("layout: \(arrangement.rawValue)") }
    return "{" + parts.joined(separator: ", ") + "}"
  }

  public init(setting value: SettingValue) throws {
    switch value {
    case .int(let prefix): self.init(prefix: try Self.prefix(.int(prefix)))
    case .string(let text):
      guard let arrangement = FeatureGrid.Arrangement(rawValue: text.lowercased().replacingOccurrences(of: "_", with: "-")) else {
        throw SettingMismatch.choice(text, FeatureGrid.Arrangement.allCases.map(\.rawValue))
      }
      self.init(arrangement: arrangement)
    case .mapping(let values):
      let keys = ["prefix", "grid", "layout"]
      for key in values.keys.sorted() where !keys.contains(key) {
        let hint = closestNames(to: key, in: keys, count: 1).first.map { "; did you mean '\($0)'?" } ?? ""
        throw MethodError("tokens: unknown key '\(key)'\(hint) (keys: prefix, grid, layout)")
      }
      self.init(prefix: try values["prefix"].map(Self.prefix))
      if let grid = values["grid"] {
        guard case .list(let sizes) = grid, sizes.count == 2, let h = try? Int(setting: sizes[0]), let w = try? Int(setting: sizes[1]),
              h >= 1, w >= 1 else { throw MethodError("tokens: grid must be two positive sizes [h, w], got \(grid.text)") }
        self.grid = [h, w]
      }
      if let layout = values["layout"] { arrangement = try TokenLayout(setting: layout).arrangement }
    case .double, .bool, .list: throw SettingMismatch.kind
    }
  }

  static func prefix(_ value: SettingValue) throws -> Int {
    guard case .int(let prefix) = value, prefix >= 0 else {
      throw MethodError("tokens: prefix must be a count of tokens before the grid (0 or more), got \(value.text)")
    }
    return prefix
  }
}
