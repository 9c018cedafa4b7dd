import Engine
import Foundation

/// Softmax of a score row, computed in Double for stability: [K].
public func softmax(_ logits: [Float]) -> [Float] {
  guard let largest = logits.max() else { return [] }
  let exps = logits.map { Foundation.exp(Double($0 - largest)) }
  let total = exps.reduce(0, +)
  return exps.map { Float($0 / total) }
}

/// The classes a model ranks highest for each image: softmax of the network's output, as
/// `convlens predict` prints them.
public struct Predictions: Sendable, Equatable, Codable {
  public struct Item: Sendable, Equatable, Codable {
    /// Index of the image in the batch.
    public var imageIndex: Int
    /// Most probable first; ties in class order.
    public var top: [ClassInfo]
  }
  public var items: [Item]

  /// The `count` most probable classes of each of `images` ([1, C, H, W] each, forward only); images
  /// of one size run as one batch, sizes in the order they first appear.
  public static func top(_ count: Int, network: Network, images: [Tensor], label: (Int) -> String) throws -> Predictions {
    var items: [Item] = []
    var sizes: [[Int]] = []
    for image in images where !sizes.contains(image.shape) { sizes.append(image.shape) }
    for size in sizes {
      let group = images.indices.filter { images[$0].shape == size }
      let output = try network.forward(Tensor.batch(group.map { images[$0] }), mode: .fused).output()  // [n, K]
      items += zip(group, output.rows).map { Item(imageIndex: $0, top: top(count, row: $1, label: label)) }
    }
    return Predictions(items: items.sorted { $0.imageIndex < $1.imageIndex })
  }

  /// The `count` most probable classes of one output row [K].
  public static func top(_ count: Int, row: [Float], label: (Int) -> String) -> [ClassInfo] {
    let probabilities = softmax(row)
    let ranked = row.indices.sorted { row[$0] != row[$1] ? row[$0] > row[$1] : $0 < $1 }.prefix(count)
    return ranked.map { ClassInfo(index: $0, label: label($0), probability: probabilities[$0], logit: row[$0]) }
  }
}
