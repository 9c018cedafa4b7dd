import ArgumentParser
import Engine
import Foundation
import Imaging
import Methods
import ModelLoading
import Notebooks
import Rendering

/// `convlens explain METHOD`: one map per image: overlay PNG, raw .npy, and a JSON record of conventions.
struct ExplainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "explain",
    abstract: "Explain a model's decision on images with one method (grad-cam, saliency, ...; see `convlens methods`).",
    discussion: """
      Evaluations judge another method's maps and print numbers instead of writing an overlay:
        convlens explain deletion-insertion --set method=grad-cam --image cat.png --json
        convlens explain average-drop --set method=score-cam --set method.batch=32 --image photos/
        convlens explain sanity-check --set method=saliency --set layers=3 --image cat.png
      """)

  @Argument(help: "Method name (`convlens methods` lists them).")
  var method: String

  @OptionGroup var model: ModelOptions

  @Option(name: .long, help: "Image (PNG, JPEG), folder of images, or .npy tensor [3,H,W]; repeat for several.")
  var image: [String] = []

  @Option(name: .long, help: "Target layer for CAM methods: auto or a tensor name from `convlens inspect`.")
  var layer: String?

  @Option(name: .long, help: "Class to explain: top1 (default), a class index, or a label.")
  var target: String = "top1"

  @Option(name: .customLong("set"), help: "A method setting, key=value (repeatable), e.g. --set upsample=nearest.")
  var settings: [String] = []

  @Option(name: .long, help: "Overlay PNG path (default IMAGE-STEM.METHOD.png here; a folder with several images).")
  var out: String?

  @Option(name: .long, help: "Also write the raw map as float32 .npy (a folder with several images).")
  var raw: String?

  @OptionGroup(title: "Display (the notebook's display keys)") var display: DisplayOptions

  @Option(name: .long, help: "Images per method run.")
  var batch: Int = 8

  @Option(name: .long, help: "Random seed (SmoothGrad noise, Eigen-CAM start).")
  var seed: UInt64 = 0

  @Flag(name: .long, help: "Print a JSON record per image: outputs, target class, every convention, timing.")
  var json = false

  func validate() throws {
    guard !image.isEmpty else { throw ValidationError("give at least one --image") }
    guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
  }

  func run() throws {
    try reportingErrors {
      let type = try MethodRegistry.named(method)
      var values: [String: SettingValue] = [:]
      for pair in settings {
        guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
          throw CommandError("--set \(pair): expected key=value, e.g. --set steps=50")
        }
        values[String(pair[..<equals])] = SettingValue.parse(String(pair[pair.index(after: equals)...]))
      }
      if let layer {
        guard type.settingNames.contains("layer") else { throw CommandError("\(type.name) has no target layer; drop --layer") }
        values["layer"] = .string(layer)
      }
      let explainer = try type.make(settings: values)
      let loaded = try model.load()
      let inputs = try ModelInput.load(paths: image, preset: loaded.preset)
      let several = inputs.count > 1
      var records: [ExplainRecord] = []
      var evaluations: [EvaluationRecord] = []
      for group in ModelInput.batches(inputs, size: batch) {
        let context = MethodContext(network: loaded.network, images: Tensor.batch(group.map(\.tensor)),
                                    classNames: loaded.labels?.names, targets: [ClassTarget.parse(target)], seed: seed)
        let start = Date()
        let output = try explainer.run(context)
        let milliseconds = Date().timeIntervalSince(start) * 1000 / Double(group.count)
        if case .evaluation(let evaluation) = output.payload {
          // Faithfulness metrics and sanity checks: numbers (and curves), no overlay.
          evaluations += EvaluationRecord.records(evaluation, inputs: group.map(\.name), method: type.name,
                                                  conventions: output.conventions, milliseconds: milliseconds)
          continue
        }
        let maps = try ExplainedMaps.show(output, pictures: group.map(\.displayImage), display: try display.settings())
        for map in maps {
          let input = group[map.imageIndex]
          let stem = ((input.name as NSString).lastPathComponent as NSString).deletingPathExtension
          let defaultName = "\(stem).\(type.name)"
          // The figure's overlay raster (or the map alone without a picture), encoded by Rendering.
          let pngPath = try outputPath(out, several: several, name: defaultName + ".png")
          try write(try PagedRenderer.encodePNG(map.shown.overlay ?? map.shown.map), to: pngPath)
          var npyPath: String?
          if raw != nil {
            let path = try outputPath(raw, several: several, name: defaultName + ".npy")
            try write(NPYFile.encode(NPYArray(shape: map.raw.shape, values: map.raw.values)), to: path)
            npyPath = path
          }
          records.append(ExplainRecord(
            input: input.name, method: type.name, overlay: pngPath, raw: npyPath, target: map.target,
            conventions: output.conventions + map.shown.conventions, measurements: map.measurements, milliseconds: milliseconds))
        }
      }
      if !evaluations.isEmpty {
        try EvaluationRecord.print(evaluations, json: json)
      } else if json {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(records), as: UTF8.self))
      } else {
        for record in records {
          let probability = String(format: "%.4f", Double(record.target.probability))
          print("\(record.input): \(record.method) for \(record.target.label) (\(record.target.index), p=\(probability)) -> \(record.overlay)\(record.raw.map { ", \($0)" } ?? "")")
        }
      }
    }
  }

  /// The file for one output: the given path (one image), a file inside the given folder (several
  /// images), or `name` in the current folder.
  func outputPath(_ given: String?, several: Bool, name: String) throws -> String {
    guard let given else { return name }
    guard several else { return given }
    try FileManager.default.createDirectory(atPath: given, withIntermediateDirectories: true)
    return (given as NSString).appendingPathComponent(name)
  }
}

/// Writes `data` to a temporary file beside `path` and renames it into place.
func write(_ data: Data, to path: String) throws {
  do {
    try data.write(to: URL(fileURLWithPath: path), options: .atomic)
  } catch {
    throw CommandError("\(path): could not write the file (\(error.localizedDescription))")
  }
}

/// The `--json` record of one explained image.
struct ExplainRecord: Encodable {
  let input: String
  let method: String
  let overlay: String
  let raw: String?
  let target: ClassInfo
  let conventions: [Convention]
  let measurements: [Metric]
  let milliseconds: Double
}
