import Engine
import Foundation

/// Every method by name. Adding a method is one line here.
public enum MethodRegistry {
  public static let all: [any VisualizationMethod.Type] = [
    Saliency.self,
    Deconvnet.self,
    GuidedBackprop.self,
    SmoothGrad.self,
    IntegratedGradients.self,
    Occlusion.self,
    CAM.self,
    GradCAM.self,
    GradCAMPlusPlus.self,
    XGradCAM.self,
    HiResCAM.self,
    LayerCAM.self,
    ScoreCAM.self,
    AblationCAM.self,
    EigenCAM.self,
    GuidedGradCAM.self,
    AttentionRollout.self,
    AttentionGradient.self,
    Filters.self,
    Activations.self,
    NearestNeighbours.self,
    TSNE.self,
    MaxPatches.self,
    ChannelMasking.self,
    ClassVisualization.self,
    DeletionInsertion.self,
    AverageDrop.self,
    SanityCheck.self,
  ]

  public static var names: [String] { all.map { $0.name } }

  /// The method called `name`; unknown names get the closest ones.
  public static func named(_ name: String) throws -> any VisualizationMethod.Type {
    if let found = all.first(where: { $0.name == name.lowercased() }) { return found }
    let suggestions = closestNames(to: name.lowercased(), in: names, count: 3)
    throw MethodError("unknown method '\(name)'; did you mean \(suggestions.map { "'\($0)'" }.joined(separator: ", "))? (`convlens methods` lists them all)")
  }

  /// The method `name` with `settings` (from a notebook step, `--set key=value` or any flat key/value source).
  public static func make(_ name: String, settings: [String: SettingValue] = [:]) throws -> any VisualizationMethod {
    try named(name).make(settings: settings)
  }
}

/// A setting value: a scalar as typed on the command line or written in YAML (int, float, bool,
/// string), a list of values, or a mapping (`tokens: {prefix: 1, grid: [14, 14]}`). Notebooks and the
/// command line hand these to `Configurable.init(settings:)`.
public enum SettingValue: Codable, Sendable, Equatable {
  case int(Int), double(Double), bool(Bool), string(String)
  case list([SettingValue])
  case mapping([String: SettingValue])

  public init(from decoder: Decoder) throws {
    let container = try decoder.singleValueContainer()
    if let value = try? container.decode(Bool.self) { self = .bool(value) }
    else if let value = try? container.decode(Int.self) { self = .int(value) }
    else if let value = try? container.decode(Double.self) { self = .double(value) }
    else if let value = try? container.decode(String.self) { self = .string(value) }
    else if let values = try? container.decode([SettingValue].self) { self = .list(values) }
    else { self = .mapping(try container.decode([String: SettingValue].self)) }
  }

  /// Parses `text` as an int, a float, a bool (true/false/yes/no), else keeps it as a string.
  public static func parse(_ text: String) -> SettingValue {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    if let int = Int(trimmed) { return .int(int) }
    if let double = Double(trimmed), trimmed.rangeOfCharacter(from: .decimalDigits) != nil { return .double(double) }
    switch trimmed.lowercased() {
    case "true", "yes", "on": return .bool(true)
    case "false", "no", "off": return .bool(false)
    default: break
    }
    if trimmed.count >= 2, let first = trimmed.first, first == "\"" || first == "'", trimmed.last == first {
      return .string(String(trimmed.dropFirst().dropLast()))
    }
    return .string(trimmed)
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .int(let value): try container.encode(value)
    case .double(let value): try container.encode(value)
    case .bool(let value): try container.encode(value)
    case .string(let value): try container.encode(value)
    case .list(let values): try container.encode(values)
    case .mapping(let values): try container.encode(values)
    }
  }
}
