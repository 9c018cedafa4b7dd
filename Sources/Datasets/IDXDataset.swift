import Foundation
import Imaging

/// MNIST-family datasets in IDX files: an image file [N, rows, columns] and an optional label file
/// [N], gzip or plain.
public enum IDXDataset {
  /// Debian's `dataset-fashion-mnist` location.
  public static let fashionMNISTDirectory = URL(fileURLWithPath: "/usr/share/datasets/fashion-mnist")

  /// Fashion-MNIST's classes in label order (Xiao et al. 2017).
  public static let fashionMNISTClassNames = [
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
  ]

  /// `split`: "train" or "t10k" (the 10 000 test images).
  public static func fashionMNISTFiles(split: String, directory: URL = fashionMNISTDirectory) throws -> (images: URL, labels: URL) {
    guard ["train", "t10k"].contains(split) else {
      throw DatasetError("unknown Fashion-MNIST split '\(split)'; choose train or t10k (the test set)")
    }
    return (directory.appendingPathComponent("\(split)-images-idx3-ubyte.gz"),
            directory.appendingPathComponent("\(split)-labels-idx1-ubyte.gz"))
  }

  /// Loads the images (and labels), takes a seeded class-balanced sample of `limit` items, and
  /// brings each grey picture to the model input: replicated to RGB, resized bilinearly.
  public static func load(images: URL, labels: URL?, classNames: [String]? = nil, limit: Int? = nil, seed: UInt64 = 0,
                          inputSize: InputSize, preset: PreprocessPreset) throws -> ImageDataset {
    if let limit, limit < 1 { throw DatasetError("dataset limit must be at least 1, got \(limit)") }
    let imageArray = try IDXArray.read(contentsOf: images, expectedDimensions: 3)
    let (count, rows, columns) = (imageArray.dimensions[0], imageArray.dimensions[1], imageArray.dimensions[2])
    guard count > 0, rows > 0, columns > 0 else {
      throw DatasetError("\(images.lastPathComponent): holds no images (dimensions \(imageArray.dimensions))")
    }
    var labelValues = [Int?](repeating: nil, count: count)
    if let labels {
      let labelArray = try IDXArray.read(contentsOf: labels, expectedDimensions: 1)
      guard labelArray.dimensions[0] == count else {
        throw DatasetError("\(labels.lastPathComponent): \(labelArray.dimensions[0]) labels for the \(count) images of \(images.lastPathComponent)")
      }
      labelValues = labelArray.bytes.map { Int($0) }
    }
    let largestLabel = labelValues.compactMap { $0 }.max() ?? -1
    let names = classNames ?? (0...max(largestLabel, 0)).map { "class \($0)" }
    let plane = rows * columns
    let items = BalancedSample.indices(labels: labelValues, limit: limit, seed: seed).map { index in
      ImageDataset.Item(
        name: "\(images.lastPathComponent)[\(index)]",
        image: DatasetImagePreparation.grey(imageArray.bytes[index * plane ..< (index + 1) * plane], width: columns, height: rows, to: inputSize),
        label: labelValues[index])
    }
    let identity = "idx:\(images.path)|\(labels?.path ?? "-")|limit \(limit.map(String.init) ?? "all")|seed \(seed)|\(inputSize)|\(preset.summary)"
    return ImageDataset(identity: identity, classNames: names, items: items, preset: preset, warnings: [])
  }
}
