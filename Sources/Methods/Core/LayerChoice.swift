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

  /// The tensor name and its shape [N, C, h, w] for an input of `inputShape`.
  public func resolve(in network: Network, inputShape: [Int]) throws -> (name: String, shape: [Int]) {
    let shapes = try network.shapes(forInput: inputShape)
    let name: String
    switch self {
    case .auto:
      guard let found = network.defaultCAMLayer(shapes: shapes) else {
        throw MethodError("the network has no 4-D feature map with spatial size > 1; name a layer with --layer")
      }
      name = found
    case .named(let given):
      guard shapes[given] != nil, network.tensorNames.contains(given) else {
        let suggestions = closestNames(to: given, in: network.tensorNames, count: 3)
        throw MethodError("no tensor named '\(given)' in the network; closest: \(suggestions.joined(separator: ", ")) (`convlens inspect` lists them)")
      }
      name = given
    }
    let shape = shapes[name] ?? []
    guard shape.count == 4 else {
      throw MethodError("layer '\(name)' has shape \(shape), not a 4-D feature map [N, C, h, w]; choose a convolutional layer (`convlens inspect` lists them)")
    }
    return (name, shape)
  }
}
