import Engine
import Foundation

/// A dataset that can also say who it is (for the feature cache) and show its pictures.
/// The `Datasets` module's sources conform; a plain `DatasetSource` still works, uncached and with
/// thumbnails rebuilt from the normalised tensors.
public protocol DescribedDataset: DatasetSource {
  /// Identifies the loaded contents (files, limit, seed, input size, preset): equal identities
  /// give equal images.
  var identity: String { get }
  /// The picture the model saw, before normalisation: [3, H, W] in [0, 1].
  func displayImage(at index: Int) throws -> Tensor
}

/// Features of every dataset image at one layer, computed in batches.
public struct DatasetFeatureMatrix: Sendable {
  /// [N, D], item i in row i (the layer's tensor flattened per image).
  public var values: [Float]
  public var count: Int
  public var dimension: Int
  /// The layer's shape for one image, e.g. [1280, 1, 1].
  public var itemShape: [Int]

  public func row(_ index: Int) -> ArraySlice<Float> { values[index * dimension ..< (index + 1) * dimension] }
}

/// Features cached in memory by (dataset identity, layer, network), so a report that runs t-SNE and
/// neighbours on the same dataset and layer computes them once.
public final class DatasetFeatureCache: @unchecked Sendable {
  /// Safe to share: every access to `entries` holds `lock`.
  public static let shared = DatasetFeatureCache()
  private var entries: [String: DatasetFeatureMatrix] = [:]
  private let lock = NSLock()

  public init() {}

  /// The features of `dataset` at tensor `layer`, computed `batch` images at a time on a miss.
  public func features(_ dataset: any DatasetSource, layer: String, network: Network, batch: Int = 16,
                       progress: @Sendable (String, Int, Int) -> Void = { _, _, _ in }) throws -> DatasetFeatureMatrix {
    let key = (dataset as? DescribedDataset).map { "\($0.identity)|\(layer)|\(ObjectIdentifier(network).hashValue)" }
    if let key, let cached = lock.withLock({ entries[key] }) { return cached }
    let computed = try DatasetFeatureCache.compute(dataset, layer: layer, network: network, batch: batch, progress: progress)
    if let key { lock.withLock { entries[key] = computed } }
    return computed
  }

  public func removeAll() { lock.withLock { entries.removeAll() } }

  static func compute(_ dataset: any DatasetSource, layer: String, network: Network, batch: Int,
                      progress: @Sendable (String, Int, Int) -> Void) throws -> DatasetFeatureMatrix {
    guard dataset.count > 0 else { throw MethodError("the dataset is empty: there are no images to compute features of") }
    var values: [Float] = []
    var itemShape: [Int] = []
    var start = 0
    try DatasetBatches.forEach(dataset, batch: batch) { range, images in
      let tensor = try network.forward(images, mode: .fused, keeping: [layer]).tensor(named: layer)  // [B, ...]
      itemShape = Array(tensor.shape.dropFirst())
      if values.isEmpty { values.reserveCapacity(dataset.count * tensor.count / max(range.count, 1)) }
      values.append(contentsOf: tensor.values)
      start = range.upperBound
      progress("features at \(layer)", start, dataset.count)
    }
    let dimension = itemShape.reduce(1, *)
    return DatasetFeatureMatrix(values: values, count: dataset.count, dimension: dimension, itemShape: itemShape)
  }
}

/// Iterates a dataset in batches of preprocessed images [B, 3, H, W].
enum DatasetBatches {
  static func forEach(_ dataset: any DatasetSource, batch: Int, _ body: (Range<Int>, Tensor) throws -> Void) throws {
    var start = 0
    while start < dataset.count {
      let end = min(start + max(batch, 1), dataset.count)
      let items = try (start..<end).map { index -> Tensor in
        let image = try dataset.image(at: index)  // [3, H, W]
        return Tensor(shape: [1] + image.shape, values: image.values)
      }
      try body(start..<end, Tensor.batch(items))
      start = end
    }
  }

  /// A displayable [3, H, W] picture in [0, 1] of dataset item `index`: the dataset's own when it
  /// has one, else the normalised tensor min-max scaled.
  static func displayImage(_ dataset: any DatasetSource, at index: Int) throws -> Tensor {
    if let described = dataset as? DescribedDataset { return try described.displayImage(at: index) }
    let image = try dataset.image(at: index)
    return Tensor(shape: image.shape, values: Normalization.minMax(image.values))
  }
}

/// The dataset a method needs, or an error that says how to give one.
extension MethodContext {
  func requireDataset(_ method: String) throws -> any DatasetSource {
    guard let dataset else {
      throw MethodError("\(method) needs a dataset: declare one under `datasets:` in the front matter and name it in the step")
    }
    guard dataset.count > 0 else { throw MethodError("\(method): the dataset holds no images") }
    return dataset
  }
}
