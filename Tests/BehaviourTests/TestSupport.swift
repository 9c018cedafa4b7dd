import Engine
import Foundation
@testable import Methods

/// Fixtures and tiny networks for the behaviour tests.
enum Behaviour {
  static func fixture(_ name: String) throws -> URL {
    guard let url = Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil) else {
      throw MethodError("test fixture \(name) is missing")
    }
    return url
  }

  static var isReleaseBuild: Bool {
    #if DEBUG
    return false
    #else
    return true
    #endif
  }

  /// Deterministic weights in [−1, 1).
  static func weights(_ shape: [Int], seed: UInt64) -> Tensor {
    var random = SeededRandom(seed: seed)
    return Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in Float(random.uniform() * 2 - 1) })
  }

  /// input [N, 3, 8, 8] → conv 3→4 (3×3, pad 1) → relu → global average pool → flatten → gemm → logits [N, 3].
  static func tinyClassifier(seed: UInt64 = 1) throws -> Network {
    let conv = try Conv(weights: weights([4, 3, 3, 3], seed: seed), bias: [0.1, 0, -0.1, 0.05],
                        padding: .explicit(begin: [1, 1], end: [1, 1]))
    let nodes = [
      Node(name: "conv", op: conv, inputs: ["input"], outputs: ["conv"]),
      Node(name: "relu", op: Relu(), inputs: ["conv"], outputs: ["relu"]),
      Node(name: "pool", op: GlobalPool(.average), inputs: ["relu"], outputs: ["pool"]),
      Node(name: "flatten", op: Reshape(.flatten(axis: 1)), inputs: ["pool"], outputs: ["flat"]),
      Node(name: "fc", op: Gemm(transB: true), inputs: ["flat", "fc.weight", "fc.bias"], outputs: ["logits"]),
    ]
    return try Network(nodes: nodes, inputName: "input", outputNames: ["logits"],
                       constants: ["fc.weight": weights([3, 4], seed: seed + 1), "fc.bias": Tensor(shape: [3], values: [0, 0.1, -0.1])])
  }

  static func randomImages(_ count: Int, height: Int = 8, width: Int = 8, seed: UInt64) -> Tensor {
    var random = SeededRandom(seed: seed)
    return Tensor(shape: [count, 3, height, width], values: (0..<(count * 3 * height * width)).map { _ in Float(random.normal()) })
  }
}

/// A dataset held in memory: item i of a [N, 3, H, W] batch, with labels.
struct MemoryDataset: DatasetSource {
  var images: Tensor
  var labels: [Int]
  var count: Int { images.shape[0] }
  func image(at index: Int) throws -> Tensor {
    let item = images.item(index)
    return Tensor(shape: Array(item.shape.dropFirst()), values: item.values)
  }
  func label(at index: Int) -> Int? { labels[index] }
  func className(for index: Int) -> String { "class \(index)" }
}
