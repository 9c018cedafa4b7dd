import Foundation
import Imaging

/// An ImageFolder tree (torchvision's layout): one sub-folder per class, named by the class,
/// holding PNG or JPEG files; classes in sorted folder-name order, files in sorted name order.
public enum ImageFolderDataset {
  static let imageExtensions: Set<String> = ["png", "jpg", "jpeg"]

  /// Lists the tree, takes a seeded class-balanced sample of `limit` files, and decodes them.
  /// An unreadable image is skipped with a warning naming it (passed to `warn` and kept in the
  /// dataset's `warnings`); if nothing readable is left, that is an error.
  public static func load(root: URL, limit: Int? = nil, seed: UInt64 = 0, inputSize: InputSize, preset: PreprocessPreset,
                          warn: (String) -> Void = { _ in }) throws -> ImageDataset {
    if let limit, limit < 1 { throw DatasetError("dataset limit must be at least 1, got \(limit)") }
    let fileManager = FileManager.default
    var isDirectory: ObjCBool = false
    guard fileManager.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw DatasetError("\(root.path): dataset folder not found")
    }
    let classNames = try fileManager.contentsOfDirectory(atPath: root.path).filter { name in
      var folder: ObjCBool = false
      return !name.hasPrefix(".") && fileManager.fileExists(atPath: root.appendingPathComponent(name).path, isDirectory: &folder) && folder.boolValue
    }.sorted()
    var files: [(path: URL, label: Int)] = []
    for (label, className) in classNames.enumerated() {
      let folder = root.appendingPathComponent(className)
      let names = try fileManager.contentsOfDirectory(atPath: folder.path)
        .filter { imageExtensions.contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
      files.append(contentsOf: names.map { (folder.appendingPathComponent($0), label) })
    }
    guard !files.isEmpty else {
      throw DatasetError("\(root.path): the dataset folder holds no images; expected one sub-folder per class with PNG or JPEG files "
        + "(\(root.lastPathComponent)/<class>/<image>.png)")
    }
    var items: [ImageDataset.Item] = []
    var warnings: [String] = []
    for index in BalancedSample.indices(labels: files.map { $0.label }, limit: limit, seed: seed) {
      let (path, label) = files[index]
      let name = "\(classNames[label])/\(path.lastPathComponent)"
      do {
        let decoded = try ImageDecoder.decode(contentsOf: path)
        items.append(ImageDataset.Item(name: name, image: DatasetImagePreparation.photo(decoded, preset: preset, to: inputSize), label: label))
      } catch {
        let warning = "skipped unreadable image \(path.path): \(error)"
        warnings.append(warning)
        warn(warning)
      }
    }
    guard !items.isEmpty else {
      throw DatasetError("\(root.path): none of the \(warnings.count) selected images could be read (first: \(warnings.first ?? "-"))")
    }
    let identity = "folder:\(root.standardizedFileURL.path)|limit \(limit.map(String.init) ?? "all")|seed \(seed)|\(inputSize)|\(preset.summary)"
    return ImageDataset(identity: identity, classNames: classNames, items: items, preset: preset, warnings: warnings)
  }
}
