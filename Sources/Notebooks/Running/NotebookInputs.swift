// The model and images a notebook names, with their content hashes. The network itself is loaded
// only when a step is not in the cache, so a cached re-render never parses the ONNX file.
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

/// The model file, its labels and preprocessing, hashed up front and loaded on first use.
final class ModelSource {
  let modelPath: String?
  let modelURL: URL
  let labelsPath: String?
  let preset: PreprocessPreset
  let modelSHA256: String
  let labelsSHA256: String?
  private var loaded: LoadedModel?

  init(_ frontMatter: FrontMatter, notebookFile: String) throws {
    func located(_ key: String) -> SourceLocation {
      frontMatter.keyLocations[key] ?? SourceLocation(file: notebookFile, line: 0, column: 0)
    }
    modelPath = frontMatter.model
    if let path = frontMatter.model {
      modelURL = URL(fileURLWithPath: path)
    } else {
      do {
        modelURL = try BundledResources.model(BundledResources.defaultModelName)
      } catch {
        throw NotebookError("\(error)")
      }
    }
    guard FileManager.default.fileExists(atPath: modelURL.path) else {
      throw NotebookError("model file not found: \(modelURL.path) (expected an .onnx file)", at: located("model"))
    }
    modelSHA256 = try ContentHash.sha256(file: modelURL)
    // The labels LoadedModel would pick: the front matter's, else the bundled ImageNet names.
    var labels = frontMatter.labels
    if labels == nil, let bundled = try? BundledResources.model(BundledResources.defaultLabelsName),
       FileManager.default.fileExists(atPath: bundled.path) {
      labels = bundled.path
    }
    if let labels, !FileManager.default.fileExists(atPath: labels) {
      throw NotebookError("labels file not found: \(labels) (expected one class name per line)", at: located("labels"))
    }
    labelsPath = labels
    labelsSHA256 = try labels.map { try ContentHash.sha256(file: URL(fileURLWithPath: $0)) }
    do {
      preset = try frontMatter.preprocess.map { try PreprocessPreset.named($0) } ?? (frontMatter.model == nil ? .efficientNetLite : .imagenet)
    } catch {
      throw NotebookError("\(error)", at: located("preprocess"))
    }
  }

  /// The network (loaded once).
  func model() throws -> LoadedModel {
    if let loaded { return loaded }
    let model = try LoadedModel.load(path: modelPath, labelsPath: labelsPath, presetName: preset.name)
    loaded = model
    return model
  }

  /// Class names without loading the network.
  func classNames() throws -> [String]? {
    guard let labelsPath else { return nil }
    return try ClassLabels.load(contentsOf: URL(fileURLWithPath: labelsPath)).names
  }
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
