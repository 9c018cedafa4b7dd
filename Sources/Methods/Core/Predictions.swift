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
    public init(imageIndex: Int, top: [ClassInfo]) {
      self.imageIndex = imageIndex
      self.top = top
    }
  }
  public var items: [Item]
  public init(items: [Item]) { self.items = items }

  /// The `count` most probable classes of each image of `images` [N, C, H, W] (forward only).
  public static func top(_ count: Int, network: Network, images: Tensor, label: (Int) -> String) throws -> Predictions {
    let output = try network.forward(images, mode: .fused).output()  // [N, K]
    let rows = ClassScores.rows(output)
    return Predictions(items: rows.enumerated().map { Item(imageIndex: $0.offset, top: top(count, row: $0.element, label: label)) })
  }

  /// The `count` most probable classes of one output row [K].
  public static func top(_ count: Int, row: [Float], label: (Int) -> String) -> [ClassInfo] {
    let probabilities = softmax(row)
    let ranked = row.indices.sorted { row[$0] != row[$1] ? row[$0] > row[$1] : $0 < $1 }.prefix(count)
    return ranked.map { ClassInfo(index: $0, label: label($0), probability: probabilities[$0], logit: row[$0]) }
  }
}
