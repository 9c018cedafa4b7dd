import ArgumentParser
import CCairo
import Engine
import Foundation
import Imaging
import Methods
import ModelLoading

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

  @Option(name: .long, help: "ONNX model file (default: the bundled EfficientNet-Lite0).")
  var model: String?

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

  @Option(name: .long, help: "Colormap: viridis, jet, inferno, turbo, RdBu, gray (default: gray for saliency, RdBu for signed, else viridis).")
  var colormap: String?

  @Option(name: .long, help: "Overlay opacity α in [0, 1].")
  var alpha: Float = 0.5

  @Option(name: .long, help: "Preprocessing preset: efficientnet-lite, imagenet, none (default: the model's).")
  var preset: String?

  @Option(name: .long, help: "Class names, one per line (default: ImageNet's 1000 classes).")
  var labels: String?

  @Option(name: .long, help: "Images per method run.")
  var batch: Int = 8

  @Option(name: .long, help: "Random seed (SmoothGrad noise, Eigen-CAM start).")
  var seed: UInt64 = 0

  @Flag(name: .long, help: "Print a JSON record per image: outputs, target class, every convention, timing.")
  var json = false

  func validate() throws {
    guard !image.isEmpty else { throw ValidationError("give at least one --image") }
    guard alpha >= 0 && alpha <= 1 else { throw ValidationError("--alpha must be between 0 and 1") }
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
      let explainer = try MethodRegistry.decode(type, settings: values)
      let loaded = try LoadedModel.load(path: model, labelsPath: labels, presetName: preset)
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
        for (index, input) in group.enumerated() {
          let map = try ExplainedMap(output, imageIndex: index, colormapName: colormap, methodName: type.name)
          let stem = ((input.name as NSString).lastPathComponent as NSString).deletingPathExtension
          let defaultName = "\(stem).\(type.name)"
          let pngPath = try outputPath(out, several: several, name: defaultName + ".png")
          try map.writeOverlay(to: pngPath, picture: input.displayImage, alpha: alpha)
          var npyPath: String?
          if raw != nil {
            npyPath = try outputPath(raw, several: several, name: defaultName + ".npy")
            try NPYFile.encode(NPYArray(shape: map.raw.shape, values: map.raw.values)).write(to: URL(fileURLWithPath: npyPath!), options: .atomic)
          }
          records.append(ExplainRecord(
            input: input.name, method: type.name, overlay: pngPath, raw: npyPath, target: map.target,
            conventions: output.conventions + map.displayConventions + [Convention("alpha", String(alpha))],
            measurements: map.measurements, milliseconds: milliseconds))
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

/// One image's result, ready to draw and save.
struct ExplainedMap {
  let raw: Tensor            // CAM: [h, w] after the ReLU; pixel methods: [3, H, W]
  let display: [Float]       // [H, W] in [0, 1] at the input resolution
  let height: Int, width: Int
  let colormap: Colormap
  let target: ClassInfo
  let measurements: [Methods.Measurement]
  let displayConventions: [Convention]

  init(_ output: MethodOutput, imageIndex: Int, colormapName: String?, methodName: String) throws {
    switch output.payload {
    case .layerMaps(let maps):
      guard let item = maps.items.first(where: { $0.imageIndex == imageIndex }) else { throw CommandError("no map for image \(imageIndex)") }
      raw = item.map
      target = item.target
      measurements = item.measurements
      // pytorch-grad-cam's post-processing: min-max, bilinear (half-pixel) to the input size, min-max.
      let size = (maps.inputSize[0], maps.inputSize[1])
      (height, width) = size
      let scaled = Normalization.minMax(maps.signed ? Normalization.signed(item.map.values) : item.map.values)
      display = Normalization.minMax(Upsampling.bilinear.resize(scaled, height: item.map.shape[0], width: item.map.shape[1],
                                                                toHeight: size.0, width: size.1))
      colormap = try colormapName.map { try Colormap.named($0) } ?? (maps.signed ? .rdbu : .viridis)
      displayConventions = [Convention("display", "min-max, bilinear upsampling (half-pixel centres), min-max"),
                            Convention("colormap", colormap.rawValue)]
    case .pixelAttributions(let attributions):
      guard let item = attributions.items.first(where: { $0.imageIndex == imageIndex }) else { throw CommandError("no map for image \(imageIndex)") }
      raw = item.values
      target = item.target
      measurements = item.measurements
      (height, width) = (item.values.shape[1], item.values.shape[2])
      let reduced = Normalization.reduce(item.values.values, channels: item.values.shape[0], reduction: attributions.reduction)
      let signed = attributions.signed && attributions.reduction == .sum
      display = signed ? Normalization.signed(reduced) : Normalization.minMax(reduced)
      let fallback: Colormap = signed ? .rdbu : (["saliency", "smoothgrad"].contains(methodName) ? .gray : .viridis)
      colormap = try colormapName.map { try Colormap.named($0) } ?? fallback
      displayConventions = [Convention("display", "\(attributions.reduction.rawValue) over channels, " + (signed ? "symmetric scaling (0 at the centre)" : "min-max (ε 1e-7)")),
                            Convention("colormap", colormap.rawValue)]
    default:
      throw CommandError("explain shows maps; this method's output is not a map")
    }
  }

  /// Writes (1 − α)·picture + α·colormap(map), or the coloured map alone when there is no picture.
  func writeOverlay(to path: String, picture: RGBImage?, alpha: Float) throws {
    let rgb: [UInt8]
    if let picture, picture.width == width, picture.height == height {
      rgb = Overlay.blend(image: picture.pixels, map: display, colormap: colormap, alpha: alpha)
    } else {
      rgb = Overlay.colorize(map: display, colormap: colormap)
    }
    try writePNG(rgb: rgb, width: width, height: height, to: path)
  }
}

/// Writes [height, width, 3] bytes as a PNG with Cairo, to a temporary file renamed into place.
func writePNG(rgb: [UInt8], width: Int, height: Int, to path: String) throws {
  let stride = Int(cairo_format_stride_for_width(CAIRO_FORMAT_RGB24, Int32(width)))
  var pixels = [UInt8](repeating: 0, count: stride * height)
  for y in 0..<height {
    for x in 0..<width {
      // RGB24: one native-endian 32-bit word per pixel, 0x00RRGGBB.
      let word = UInt32(rgb[(y * width + x) * 3]) << 16 | UInt32(rgb[(y * width + x) * 3 + 1]) << 8 | UInt32(rgb[(y * width + x) * 3 + 2])
      withUnsafeBytes(of: word.littleEndian) { bytes in
        for byte in 0..<4 { pixels[y * stride + x * 4 + byte] = bytes[byte] }
      }
    }
  }
  let temporary = path + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
  let status: cairo_status_t = pixels.withUnsafeMutableBufferPointer { buffer in
    guard let surface = cairo_image_surface_create_for_data(buffer.baseAddress, CAIRO_FORMAT_RGB24, Int32(width), Int32(height), Int32(stride)) else {
      return CAIRO_STATUS_NO_MEMORY
    }
    defer { cairo_surface_destroy(surface) }
    return cairo_surface_write_to_png(surface, temporary)
  }
  guard status == CAIRO_STATUS_SUCCESS else {
    try? FileManager.default.removeItem(atPath: temporary)
    throw CommandError("\(path): could not write the PNG (\(String(cString: cairo_status_to_string(status))))")
  }
  guard rename(temporary, path) == 0 else {
    try? FileManager.default.removeItem(atPath: temporary)
    throw CommandError("\(path): could not move the PNG into place (errno \(errno))")
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
  let measurements: [Methods.Measurement]
  let milliseconds: Double
}
