import Engine
@testable import Methods
import Testing

@Suite("Incremental occlusion equals whole-copy occlusion")
struct IncrementalOcclusionTests {
  /// input [1, 3, 20, 20] → 3×3 conv (pad 1) → Relu → 3×3/2 max pool (pad 1) → 3×3/2 conv (pad 1)
  /// → Relu → + 1×1/2 shortcut of the pooled map → GAP → flatten → Gemm: windows, strides, borders
  /// and a residual add.
  static func network() throws -> Network {
    func weights(_ shape: [Int], _ salt: Int) -> Tensor {
      Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { Float((($0 + salt) * 37) % 19) / 19 - 0.45 })
    }
    let padOne = Conv.Padding.explicit(begin: [1, 1], end: [1, 1])
    return try Network(nodes: [
      Node(name: "conv1", op: try Conv(weights: weights([4, 3, 3, 3], 1), bias: [0.1, 0, -0.1, 0.2], padding: padOne),
           inputs: ["input"], outputs: ["c1"]),
      Node(name: "relu1", op: Relu(), inputs: ["c1"], outputs: ["r1"]),
      Node(name: "pool", op: try Pool(kind: .max, kernel: [3, 3], strides: [2, 2], padding: padOne), inputs: ["r1"], outputs: ["p"]),
      Node(name: "conv2", op: try Conv(weights: weights([5, 4, 3, 3], 2), bias: nil, strides: [2, 2], padding: padOne),
           inputs: ["p"], outputs: ["c2"]),
      Node(name: "relu2", op: Relu(), inputs: ["c2"], outputs: ["r2"]),
      Node(name: "shortcut", op: try Conv(weights: weights([5, 4, 1, 1], 3), bias: nil, strides: [2, 2]), inputs: ["p"], outputs: ["s"]),
      Node(name: "add", op: BinaryArithmetic(.add), inputs: ["r2", "s"], outputs: ["sum"]),
      Node(name: "gap", op: GlobalPool(.average), inputs: ["sum"], outputs: ["pooled"]),
      Node(name: "flatten", op: Reshape(.flatten(axis: 1)), inputs: ["pooled"], outputs: ["flat"]),
      Node(name: "fc", op: Gemm(transB: true), inputs: ["flat", "fc.weight"], outputs: ["logits"]),
    ], inputName: "input", outputNames: ["logits"], constants: ["fc.weight": weights([3, 5], 4)])
  }

  @Test("same scores for every window (window 6, stride 4, incl. partial windows at the edge)")
  func sameMaps() throws {
    let network = try Self.network()
    let image = Tensor(shape: [1, 3, 20, 20], values: (0..<1200).map { Float(($0 * 13) % 23) / 11 - 1 })
    var plain = Occlusion()
    plain.window = 6
    plain.stride = 4
    plain.incremental = false
    var incremental = plain
    incremental.incremental = true
    let corners = [(0, 0), (0, 14), (4, 8), (14, 14), (16, 2)]
    let expected = try plain.scores(of: image, corners: corners, network: network)
    let actual = try incremental.scores(of: image, corners: corners, network: network)
    for (row, (a, b)) in zip(actual, expected).enumerated() {
      for (x, y) in zip(a, b) { #expect(abs(x - y) < 1e-5, "window \(corners[row])") }
    }
    // The windows change the scores at all (otherwise the comparison proves nothing).
    let original = try IncrementalForward(network: network, image: image).originalScores
    #expect(expected.contains { zip($0, original).contains { abs($0 - $1) > 1e-3 } })
  }
}
