// The front matter's `datasets:` entries handed to the Datasets module, which reads the files
// (IDX or one folder per class) at the model's input size and preprocessing.
import Crypto
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

  /// What a dataset's cached features depend on: SHA-256 over the relative path and bytes of every
  /// file under its path (and its separate labels file), so replacing an image invalidates the cache
  /// while moving the folder does not. Past `contentLimit` bytes (huge image trees) the rest are
  /// identified by size and modification time instead, to keep a cached render fast.
  static func fingerprint(_ spec: DatasetSpec, contentLimit: Int = 512 << 20) throws -> String {
    let root = URL(fileURLWithPath: spec.path).resolvingSymlinksInPath()
    var files: [(name: String, url: URL)] = []
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory) else {
      throw NotebookError("dataset path not found: \(spec.path)")
    }
    if isDirectory.boolValue {
      let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
      while let url = enumerator?.nextObject() as? URL {
        guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
        files.append((String(url.resolvingSymlinksInPath().path.dropFirst(root.path.count)), url))
      }
    } else {
      files.append((root.lastPathComponent, root))
    }
    if let labels = spec.options["labels"] {
      let url = URL(fileURLWithPath: resolvePath(labels, against: root.deletingLastPathComponent()))
      files.append(("labels:" + url.lastPathComponent, url))
    }
    var hasher = SHA256()
    var hashedBytes = 0
    for (name, url) in files.sorted(by: { $0.name < $1.name }) {
      hasher.update(data: Data(name.utf8))
      let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
      let size = (attributes[.size] as? Int) ?? 0
      if hashedBytes + size <= contentLimit {
        hasher.update(data: try Data(contentsOf: url, options: .mappedIfSafe))
        hashedBytes += size
      } else {
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        hasher.update(data: Data("size=\(size) mtime=\(modified)".utf8))
      }
    }
    return ContentHash.hex(hasher.finalize())
  }
}
