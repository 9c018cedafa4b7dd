import Engine
import Foundation

/// A method that judges another method's maps (faithfulness metrics, sanity checks). Its settings
/// are its own plus, passed through, those of the method it judges (`method: grad-cam`): a key the
/// evaluation does not have goes to that method, and `method.KEY` sends a key both have (`batch`,
/// `steps`) to the method.
public protocol EvaluationMethod: VisualizationMethod {}

extension EvaluationMethod {
  /// The evaluation's own setting keys (its help rows without the `method.KEY` row).
  static var ownSettingNames: [String] { settingsHelp.map(\.0).filter { $0 != JudgedMethod.prefixedHelpKey } }

  /// Own keys, then every key of a map method, then `method.KEY` for the keys both have.
  public static var settingNames: [String] {
    let own = ownSettingNames
    let passed = Set(MethodRegistry.all.filter { !($0 is any EvaluationMethod.Type) }.flatMap { $0.settingNames })
    return own + passed.subtracting(own).sorted() + passed.intersection(own).sorted().map { JudgedMethod.prefix + $0 }
  }
}

/// The judged method, decoded from an evaluation's settings.
public struct JudgedMethod: Sendable {
  static let prefix = "method."
  static let prefixedHelpKey = "method.KEY"
  static let help = (prefixedHelpKey, "any setting of the judged method, e.g. layer=… (KEY alone works unless the evaluation has a KEY too)")

  public let method: any VisualizationMethod
  public var name: String { type(of: method).name }

  /// Reads `method` (default grad-cam) and the keys passed to it; `own` are the evaluation's keys.
  /// Returns the judged method and a reader for the evaluation's own settings.
  static func read(_ decoder: Decoder, evaluation: String, own: [String]) throws -> (JudgedMethod, SettingsReader) {
    var name = "grad-cam"
    var passed: [String: SettingValue] = [:]
    var present: [String] = []
    if let keyed = try? decoder.container(keyedBy: SettingsReader.AnyKey.self) {
      present = keyed.allKeys.map(\.stringValue)
      if keyed.contains(SettingsReader.AnyKey("method")) {
        guard let given = try? keyed.decode(String.self, forKey: SettingsReader.AnyKey("method")) else {
          throw MethodError("setting 'method' for \(evaluation) must be a method name such as grad-cam")
        }
        name = given
      }
      let type = try MethodRegistry.named(name)
      guard !(type is any EvaluationMethod.Type) else {
        throw MethodError("\(evaluation) judges the maps of a method such as grad-cam; '\(type.name)' makes no map")
      }
      let inner = type.settingNames
      for key in keyed.allKeys where !own.contains(key.stringValue) {
        let given = key.stringValue
        let target = given.hasPrefix(prefix) ? String(given.dropFirst(prefix.count)) : given
        guard inner.contains(target) else {
          let suggestion = closestNames(to: given, in: own + inner, count: 1).first.map { "; did you mean '\($0)'?" } ?? ""
          throw MethodError("unknown setting '\(given)' for \(evaluation) (own settings: \(own.joined(separator: ", "))) or for \(type.name)\(suggestion)")
        }
        guard let value = try? keyed.decode(SettingValue.self, forKey: key) else {
          throw MethodError("setting '\(given)' for \(evaluation) must be a value or a list of values")
        }
        passed[target] = value
      }
      let method = try MethodRegistry.decode(type, encoded: try JSONEncoder().encode(passed))
      return (JudgedMethod(method: method), try SettingsReader(decoder, method: evaluation, known: own + present))
    }
    return (JudgedMethod(method: try MethodRegistry.make(name)), try SettingsReader(decoder, method: evaluation, known: own))
  }

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
