import Foundation
import Imaging

/// What a notebook declares under `datasets:`: cheap to make, loaded only when a step first needs
/// it (through `DatasetStore`), and then kept.
public struct DatasetSpec: Sendable, Hashable {
  public enum Source: Sendable, Hashable {
    /// One sub-folder per class.
    case imageFolder(path: String)
    /// IDX image and (optional) label files, with optional class names.
    case idx(images: String, labels: String?, classNames: [String]?)
    /// Debian's Fashion-MNIST, split "train" or "t10k".
    case fashionMNIST(split: String)
  }
  public var source: Source
  public var limit: Int?
  public var seed: UInt64

  public init(source: Source, limit: Int? = nil, seed: UInt64 = 0) {
    self.source = source
    self.limit = limit
    self.seed = seed
  }

  /// Reads the files now.
  public func load(inputSize: InputSize, preset: PreprocessPreset, warn: (String) -> Void = { _ in }) throws -> ImageDataset {
    switch source {
    case .imageFolder(let path):
      return try ImageFolderDataset.load(root: URL(fileURLWithPath: path), limit: limit, seed: seed, inputSize: inputSize,
                                         preset: preset, warn: warn)
    case .idx(let images, let labels, let classNames):
      return try IDXDataset.load(images: URL(fileURLWithPath: images), labels: labels.map { URL(fileURLWithPath: $0) },
                                 classNames: classNames, limit: limit, seed: seed, inputSize: inputSize, preset: preset)
    case .fashionMNIST(let split):
      let files = try IDXDataset.fashionMNISTFiles(split: split)
      return try IDXDataset.load(images: files.images, labels: files.labels, classNames: IDXDataset.fashionMNISTClassNames,
                                 limit: limit, seed: seed, inputSize: inputSize, preset: preset)
    }
  }
}

/// Loaded datasets by (spec, input size, preset), so several steps share one load.
public final class DatasetStore: @unchecked Sendable {
  /// Safe to share: `loaded` is only touched while holding `lock`.
  public static let shared = DatasetStore()
  private var loaded: [String: ImageDataset] = [:]
  private let lock = NSLock()

  public init() {}

  public func dataset(_ spec: DatasetSpec, inputSize: InputSize, preset: PreprocessPreset,
                      warn: (String) -> Void = { _ in }) throws -> ImageDataset {
    let key = "\(spec)|\(inputSize)|\(preset.summary)"
    if let found = lock.withLock({ loaded[key] }) { return found }
    let dataset = try spec.load(inputSize: inputSize, preset: preset, warn: warn)
    lock.withLock { loaded[key] = dataset }
    return dataset
  }
}
