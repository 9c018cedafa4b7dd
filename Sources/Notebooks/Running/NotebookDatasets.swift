// The front matter's `datasets:` entries handed to the Datasets module, which reads the files
// (IDX or one folder per class) at the model's input size and preprocessing.
import Datasets
import Foundation
import Imaging
import Methods

enum NotebookDatasets {
  /// - `type: folder, path: DIR`: one sub-folder per class.
  /// - `type: idx, path: DIR`: a Fashion-MNIST-style folder (`split: t10k` default, or `train`).
  /// - `type: idx, path: FILE, labels: FILE`: IDX image (and label) files; `classes: a, b, c` names them.
  static func load(_ spec: DatasetSpec, preset: PreprocessPreset, height: Int, width: Int, seed: UInt64) throws -> any DatasetSource {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: spec.path, isDirectory: &isDirectory) else {
      throw NotebookError("dataset path not found: \(spec.path)")
    }
    let classNames = spec.options["classes"].map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
    let source: Datasets.DatasetSpec.Source
    switch (spec.type, isDirectory.boolValue) {
    case ("folder", true):
      source = .imageFolder(path: spec.path)
    case ("idx", true):
      let files = try IDXDataset.fashionMNISTFiles(split: spec.options["split"] ?? "t10k", directory: URL(fileURLWithPath: spec.path))
      source = .idx(images: files.images.path, labels: files.labels.path, classNames: classNames ?? IDXDataset.fashionMNISTClassNames)
    case ("idx", false):
      let directory = URL(fileURLWithPath: spec.path).deletingLastPathComponent()
      source = .idx(images: spec.path, labels: spec.options["labels"].map { resolvePath($0, against: directory) }, classNames: classNames)
    default:
      throw NotebookError("a '\(spec.type)' dataset needs a folder as its path, got the file \(spec.path)")
    }
    return try DatasetStore.shared.dataset(Datasets.DatasetSpec(source: source, limit: spec.limit, seed: seed),
                                           inputSize: InputSize(height: height, width: width), preset: preset)
  }
}
