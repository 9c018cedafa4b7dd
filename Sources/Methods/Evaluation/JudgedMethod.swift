import Engine
import Foundation

/// A method that judges another method's maps (faithfulness metrics, sanity checks). Its settings
/// are its own plus, passed through, those of the method it judges (`method: grad-cam`): a key the
/// evaluation does not have goes to that method, and `method.KEY` sends a key both have (`batch`,
/// `steps`) to the method.
public protocol EvaluationMethod: VisualizationMethod {
  /// The method whose maps are judged (its own `method` setting).
  var judged: JudgedMethod { get set }
}

extension EvaluationMethod {
  /// Own keys, then every key of a map method, then `method.KEY` for the keys both have.
  public static var settingNames: [String] {
    let own = ownSettingNames
    let passed = Set(MethodRegistry.all.filter { !($0 is any EvaluationMethod.Type) }.flatMap { $0.settingNames })
    return own + passed.subtracting(own).sorted() + passed.intersection(own).sorted().map { JudgedMethod.prefix + $0 }
  }

  public static var settingsHelp: [(key: String, help: String)] {
    settings.map { ($0.key, $0.helpText) } + [JudgedMethod.help]
  }

  /// The evaluation's own settings over its defaults, then the judged method with the keys passed on.
  public static func make(settings values: [String: SettingValue]) throws -> Self {
    let own = ownSettingNames
    var evaluation = try Self(settings: values.filter { own.contains($0.key) })
    let type = Swift.type(of: evaluation.judged.method)
    let inner = type.settingNames
    var passed: [String: SettingValue] = [:]
    for key in values.keys.sorted() where !own.contains(key) {
      let target = key.hasPrefix(JudgedMethod.prefix) ? String(key.dropFirst(JudgedMethod.prefix.count)) : key
      guard inner.contains(target) else {
        let suggestion = closestNames(to: key, in: own + inner, count: 1).first.map { "; did you mean '\($0)'?" } ?? ""
        throw MethodError("unknown setting '\(key)' for \(name) (own settings: \(own.joined(separator: ", "))) or for \(type.name)\(suggestion)")
      }
      passed[target] = values[key]
    }
    evaluation.judged = JudgedMethod(method: try type.make(settings: passed))
    return evaluation
  }
}

extension Setting where Root: EvaluationMethod {
  /// The judged method, every evaluation's first setting.
  public static var method: Setting { Setting("method", \.judged, "the method whose maps are judged") }
}

/// The judged method: any map method, by name (`method: grad-cam`).
public struct JudgedMethod: Sendable, SettingConvertible {
  static let prefix = "method."
  static let help = (key: "method.KEY", help: "any setting of the judged method, e.g. layer=… (KEY alone works unless the evaluation has a KEY too)")

  public let method: any VisualizationMethod
  public var name: String { type(of: method).name }

  /// Grad-CAM with its defaults.
  public init() { method = GradCAM() }
  public init(method: any VisualizationMethod) { self.method = method }

  public init(setting value: SettingValue) throws {
    guard case .string(let name) = value else { throw SettingMismatch.kind }
    let type = try MethodRegistry.named(name)
    guard !(type is any EvaluationMethod.Type) else {
      throw MethodError("an evaluation judges the maps of a method such as grad-cam; '\(type.name)' makes no map")
    }
    method = try type.make(settings: [:])
  }
  public static var settingKind: String { "a method name such as grad-cam" }
  public var settingText: String { name }

  /// One map of the judged method: an (image, class) with the map at its own resolution and at the
  /// input resolution.
  struct Map {
    var imageIndex: Int
    var target: ClassInfo
    /// [h, w]: CAM maps at the layer's resolution; pixel attributions reduced over channels, [H, W].
    var native: Tensor
    /// [H · W] at the model input's size (CAM maps upsampled bilinearly, half-pixel centres).
    var atInput: [Float]
  }

  /// Runs the judged method on `context` and returns its maps, whether they are signed, the channel
  /// reduction of pixel attributions (nil for CAM maps), and its conventions.
  func maps(_ context: MethodContext, evaluation: String) throws
    -> (maps: [Map], signed: Bool, reduction: ChannelReduction?, conventions: [Convention]) {
    let output = try method.run(context)
    switch output.payload {
    case .layerMaps(let layerMaps):
      let (height, width) = (layerMaps.inputSize[0], layerMaps.inputSize[1])
      let maps = layerMaps.items.map { item in
        Map(imageIndex: item.imageIndex, target: item.target, native: item.map,
            atInput: Upsampling.bilinear.resize(item.map.values, height: item.map.shape[0], width: item.map.shape[1],
                                                toHeight: height, width: width))
      }
      return (maps, layerMaps.signed, nil, output.conventions)
    case .pixelAttributions(let attributions):
      let maps = attributions.items.map { item in
        let shape = item.values.shape  // [C, H, W]
        let reduced = Normalization.reduce(item.values.values, channels: shape[0], reduction: attributions.reduction)
        return Map(imageIndex: item.imageIndex, target: item.target, native: Tensor(shape: [shape[1], shape[2]], values: reduced),
                   atInput: reduced)
      }
      return (maps, attributions.signed && attributions.reduction == .sum, attributions.reduction, output.conventions)
    default:
      throw MethodError("\(evaluation) judges maps, but \(name) returns no map (choose a method such as grad-cam or saliency)")
    }
  }

  /// The judged method's conventions that say how its maps were made (method, layer, settings),
  /// renamed "map …" for the evaluation's caption; the target ones the caption has.
  static func conventions(_ judged: [Convention]) -> [Convention] {
    let skipped: Set<String> = ["target", "score", "class", "raw map"]
    return judged.filter { !skipped.contains($0.key) }.map { Convention("map \($0.key)", $0.value) }
  }
}
