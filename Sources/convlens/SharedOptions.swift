import ArgumentParser
import Methods
import ModelLoading
import Notebooks

/// The model a command runs on: the same options for `predict` and `explain`.
struct ModelOptions: ParsableArguments {
  @Option(name: .long, help: ModelOptions.modelHelp)
  var model: String?

  @Option(name: .long, help: "Preprocessing preset: efficientnet-lite, imagenet, none (default: the model's).")
  var preset: String?

  @Option(name: .long, help: "Class names, one per line (default: the bundled model's, else ImageNet's 1000 classes).")
  var labels: String?

  /// `--model` and `inspect`'s MODEL: a file or one of the bundled models, listed from their table.
  static let modelHelp = ArgumentHelp(
    "ONNX model file, or a bundled model: " + BundledModel.all.map(\.reference).joined(separator: ", ")
      + " (default: \(BundledModel.standard.reference)).")

  func load() throws -> LoadedModel { try LoadedModel.load(path: model, labelsPath: labels, presetName: preset) }
}

/// How `explain` shows a map: the notebook's display keys as options, with their help and rules
/// from the one declaration, `DisplaySettings.settings`.
struct DisplayOptions: ParsableArguments {
  @Option(name: .long, help: DisplayOptions.help("display")) var display: String?
  @Option(name: .long, help: DisplayOptions.help("sign")) var sign: String?
  @Option(name: .long, help: DisplayOptions.help("clip")) var clip: Double?
  @Option(name: .long, help: DisplayOptions.help("colormap")) var colormap: String?
  @Option(name: .long, help: DisplayOptions.help("alpha")) var alpha: Double?

  static func help(_ key: String) -> ArgumentHelp {
    ArgumentHelp(DisplaySettings.settings.first { $0.key == key }?.helpText ?? key)
  }

  func validate() throws { _ = try settings() }

  /// The options as display settings, checked by the display keys' own rules.
  func settings() throws -> DisplaySettings {
    var settings = DisplaySettings()
    let given: [(String, SettingValue?)] = [("display", display.map { .string($0) }), ("sign", sign.map { .string($0) }),
                                            ("clip", clip.map { .double($0) }), ("colormap", colormap.map { .string($0) }),
                                            ("alpha", alpha.map { .double($0) })]
    for case let (key, value?) in given {
      do {
        try settings.set(key, to: value)
      } catch let error as MethodError {
        throw ValidationError("--\(key): \(error.description)")
      }
    }
    return settings
  }
}
