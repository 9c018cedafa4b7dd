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
    let original = try IncrementalForward(network: network, image: image, scoreName: ClassScores.tensorName(network)).originalScores
    #expect(expected.contains { zip($0, original).contains { abs($0 - $1) > 1e-3 } })
  }

  /// Block boundaries are where one tensor crosses; from there the batch runs as one fused pass.
  @Test("past a block boundary the rest runs fused, with the whole-copy scores")
  func fusedTail() throws {
    let network = try Self.network()
    #expect(network.blockBoundaries(before: "logits")
            == [1: "c1", 2: "r1", 3: "p", 7: "sum", 8: "pooled", 9: "flat"])
    let image = Tensor(shape: [1, 3, 20, 20], values: (0..<1200).map { Float(($0 * 11) % 23) / 11 - 1 })
    let corners = [(0, 0), (4, 8), (14, 14)]
    var plain = Occlusion()
    (plain.window, plain.incremental) = (6, false)
    let expected = try plain.scores(of: image, corners: corners, network: network)
    // A 6-pixel window reaches a quarter of the pooled 10 × 10 map: "p" turns whole, and node 3 is a boundary.
    let forward = try IncrementalForward(network: network, image: image, scoreName: ClassScores.tensorName(network))
    let regions = corners.map { Region(top: $0.0, left: $0.1, bottom: $0.0 + 6, right: $0.1 + 6) }
    let patches = Tensor(shape: [3, 3, 6, 6], values: [Float](repeating: 0, count: 3 * 3 * 36))
    let actual = try forward.scores(replacing: regions, with: patches)
    #expect(forward.fusedTailRuns == 1)
    for (row, (a, b)) in zip(actual, expected).enumerated() {
      for (x, y) in zip(a, b) { #expect(abs(x - y) < 1e-5, "window \(corners[row])") }
    }
  }

  /// input [1, 3, 24, 24] → 3×3/2 conv (pad 1) → Clip(0, 6) → depthwise 5×5 (pad 2) → Clip → 1×1
  /// conv → + the first Clip's output through a 1×1 conv → GAP → Gemm: EfficientNet's pattern
  /// (stride, depthwise, ReLU6, residual), where regions grow until they cover the map.
  static func depthwiseNetwork() throws -> Network {
    func weights(_ shape: [Int], _ salt: Int) -> Tensor {
      Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { Float((($0 + salt) * 29) % 17) / 17 - 0.4 })
    }
    return try Network(nodes: [
      Node(name: "stem", op: try Conv(weights: weights([8, 3, 3, 3], 1), bias: nil, strides: [2, 2],
                                      padding: .explicit(begin: [1, 1], end: [1, 1])), inputs: ["input"], outputs: ["s"]),
      Node(name: "act1", op: Clip(low: 0, high: 6), inputs: ["s"], outputs: ["a1"]),
      Node(name: "dw", op: try Conv(weights: weights([8, 1, 5, 5], 2), bias: [Float](repeating: 0.1, count: 8),
                                    padding: .explicit(begin: [2, 2], end: [2, 2]), group: 8), inputs: ["a1"], outputs: ["d"]),
      Node(name: "act2", op: Clip(low: 0, high: 6), inputs: ["d"], outputs: ["a2"]),
      Node(name: "project", op: try Conv(weights: weights([8, 8, 1, 1], 3), bias: nil), inputs: ["a2"], outputs: ["p"]),
      Node(name: "add", op: BinaryArithmetic(.add), inputs: ["p", "a1"], outputs: ["sum"]),
      Node(name: "gap", op: GlobalPool(.average), inputs: ["sum"], outputs: ["pooled"]),
      Node(name: "flatten", op: Reshape(.flatten(axis: 1)), inputs: ["pooled"], outputs: ["flat"]),
      Node(name: "fc", op: Gemm(transB: true), inputs: ["flat", "fc.weight"], outputs: ["logits"]),
    ], inputName: "input", outputNames: ["logits"], constants: ["fc.weight": weights([4, 8], 4)])
  }

  @Test("whole maps agree through run(), with batches that split the windows unevenly (depthwise, ReLU6, residual)")
  func sameMapsThroughRun() throws {
    for (network, side) in [(try Self.network(), 20), (try Self.depthwiseNetwork(), 24)] {
      let image = Tensor(shape: [1, 3, side, side], values: (0..<(3 * side * side)).map { Float(($0 * 7) % 29) / 13 - 1 })
      var plain = Occlusion()
      (plain.window, plain.stride, plain.batch, plain.incremental) = (8, 3, 5, false)
      var incremental = plain
      incremental.incremental = true
      let context = MethodContext(network: network, images: image, targets: [.index(1)])
      let expected = try #require(try plain.run(context).payload.pixelAttributions)
      let actual = try #require(try incremental.run(context).payload.pixelAttributions)
      let a = actual.items[0].values.values, b = expected.items[0].values.values
      #expect(a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) < 1e-5 })
      #expect(b.contains { abs($0) > 1e-3 })  // the windows matter
    }
  }
}
