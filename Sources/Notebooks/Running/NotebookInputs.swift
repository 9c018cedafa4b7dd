// The models and images a notebook names, with their content hashes. A network is loaded only when
// a step on it is not in the cache, so a cached re-render never parses an ONNX file.
import Engine
import Foundation
import Imaging
import ModelLoading

/// An input image after preprocessing.
struct PreparedImage {
  var name: String
  var path: String
  var sha256: String
  /// [1, 3, H, W]
  var tensor: Tensor
  /// The exact picture the model saw (after resize and crop).
  var display: RGBImage?
}

/// One model of the notebook: its file, labels and preprocessing, hashed up front and loaded on first use.
final class ModelSource {
  let spec: ModelSpec
  let file: ModelFile
  let modelURL: URL
  let labelsPath: String?
  let preset: PreprocessPreset
  let modelSHA256: String
  let labelsSHA256: String?
  private var loaded: LoadedModel?
  /// An earlier model of the notebook with the same file content, whose network this one shares.
  fileprivate(set) var sameFile: ModelSource?
  private var labelNames: [String]??

  var name: String { spec.name }
  var isDefault: Bool { spec.isDefault }

  init(_ spec: ModelSpec, notebookFile: String) throws {
    self.spec = spec
    func located(_ key: String) -> SourceLocation {
      spec.keyLocations[key] ?? spec.location ?? SourceLocation(file: notebookFile, line: 0, column: 0)
    }
    let file: ModelFile, url: URL
    do {
      file = try ModelFile(spec.path)
      url = try file.url()
    } catch {
      throw NotebookError("\(error)", at: spec.keyLocations["path"])
    }
    guard FileManager.default.fileExists(atPath: url.path) else {
      let problem = file.bundled.map { "the bundled model \($0.reference) is not installed (\(url.path) is missing)" }
        ?? "model file not found: \(url.path) (expected an .onnx file)"
      throw NotebookError(problem, at: located("path"))
    }
    (self.file, modelURL) = (file, url)
    modelSHA256 = try ContentHash.sha256(file: modelURL)
    // The labels LoadedModel would pick: the notebook's, else the model's own.
    let labels = spec.labels ?? file.defaultLabels?.path
    if let labels, !FileManager.default.fileExists(atPath: labels) {
      throw NotebookError("labels file not found: \(labels) (expected one class name per line)", at: located("labels"))
    }
    labelsPath = labels
    labelsSHA256 = try labels.map { try ContentHash.sha256(file: URL(fileURLWithPath: $0)) }
    do {
      preset = try spec.preprocess.map { try PreprocessPreset.named($0) } ?? file.defaultPreset
    } catch {
      throw NotebookError("\(error)", at: located("preprocess"))
    }
  }

  /// The network (loaded once).
  func model() throws -> LoadedModel {
    if let loaded { return loaded }
    let model = try LoadedModel.load(path: spec.path, labelsPath: labelsPath, presetName: preset.name,
                                     sharing: try sameFile?.model().network)
    loaded = model
    return model
  }

  /// Class names without loading the network (read once).
  func classNames() throws -> [String]? {
    if let labelNames { return labelNames }
    let names = try labelsPath.map { try ClassLabels.load(contentsOf: URL(fileURLWithPath: $0)).names }
    labelNames = .some(names)
    return names
  }
}

/// Every model of a notebook (the default first, then `models:` in order), and the images as each
/// preprocessing preset prepares them: once per preset, shared by the models that use it.
final class NotebookModels {
  let all: [ModelSource]
  private let images: [NamedImage]
  /// By `PreprocessPreset.summary`, which spells out every value of the preset.
  private var prepared: [String: [PreparedImage]] = [:]

  init(_ frontMatter: FrontMatter, notebookFile: String) throws {
    all = try frontMatter.allModels.map { try ModelSource($0, notebookFile: notebookFile) }
    for (index, source) in all.enumerated() {
      source.sameFile = all[..<index].first { $0.modelSHA256 == source.modelSHA256 }
    }
    images = frontMatter.images
  }

  /// The front matter's own model.
  var standard: ModelSource { all[0] }

  func model(named name: String) -> ModelSource? { all.first { $0.name == name } }

  /// The model `step` runs on: its `model:`, else the default.
  func model(for step: Step) throws -> ModelSource {
    let name = step.model ?? ModelSpec.defaultName
    guard let model = model(named: name) else {
      throw NotebookError("no model named '\(name)' in the front matter's models", at: step.keyLocations["model"] ?? step.location)
    }
    return model
  }

  /// The front matter's images as `model` sees them (prepared on first use of its preset).
  func images(for model: ModelSource) throws -> [PreparedImage] {
    let key = model.preset.summary
    if let done = prepared[key] { return done }
    let made = try ImagePreparation.prepare(images, preset: model.preset)
    prepared[key] = made
    return made
  }

  /// How many presets' images have been prepared (tests check the sharing).
  var preparedPresets: Int { prepared.count }
}

enum ImagePreparation {
  /// Loads and preprocesses every named image; a missing file is reported where it is named.
  static func prepare(_ images: [NamedImage], preset: PreprocessPreset) throws -> [PreparedImage] {
    try images.map { image in
      guard FileManager.default.fileExists(atPath: image.path) else {
        throw NotebookError("image '\(image.name)' not found: \(image.path)", at: image.location)
      }
      do {
        guard let input = try ModelInput.load(paths: [image.path], preset: preset).first else {
          throw NotebookError("image '\(image.name)' (\(image.path)) holds no picture", at: image.location)
        }
        return PreparedImage(name: image.name, path: image.path, sha256: try ContentHash.sha256(file: URL(fileURLWithPath: image.path)),
                             tensor: input.tensor, display: input.displayImage)
      } catch let error as NotebookError {
        throw error
      } catch {
        throw NotebookError("image '\(image.name)' cannot be used: \(error)", at: image.location)
      }
    }
  }
}
