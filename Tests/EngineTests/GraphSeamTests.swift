@testable import Engine
import Testing

/// What the engine tells code outside it about a graph: sliding windows, op traits, and the
/// executions methods ask for (forward from a replaced tensor).
@Suite("Engine seams: sliding windows, op traits, forward from a replaced tensor")
struct GraphSeamTests {
  static let paddings: [NaiveReference.Padding] = [
    .explicit(begin: [1, 0], end: [2, 1]), .sameUpper, .sameLower, .valid,
  ]

  @Test("pads(for:) and outputSize agree with the naive ONNX reference (auto_pad, dilations, ceil_mode)")
  func slidingWindowGeometry() throws {
    var compared = 0
    for padding in Self.paddings {
      for size in [1, 2, 5, 8, 13] {
        for (kernel, stride, dilation) in [(1, 1, 1), (2, 2, 1), (3, 1, 2), (3, 2, 1), (5, 3, 1), (4, 2, 2)] {
          let window = try SlidingWindow(kernel: [kernel, 2], strides: [stride, 1], dilations: [dilation, 1], padding: padding.engine,
                                     paddingValue: 0)
          let spatial = [size, 6]
          let expected = NaiveReference.pads(padding, input: spatial, kernel: [kernel, 2], strides: [stride, 1],
                                             dilations: [dilation, 1])
          let pads = window.pads(for: spatial)
          #expect(pads.begin == expected.begin && pads.end == expected.end, "\(padding.label) size \(size) k \(kernel) s \(stride) d \(dilation)")
          for ceilMode in [false, true] {
            let extent = (kernel - 1) * dilation + 1
            let fits = size + expected.begin[0] + expected.end[0] >= extent
            let length = NaiveReference.pooledLength(input: size, begin: expected.begin[0], end: expected.end[0], extent: extent,
                                                     stride: stride, ceilMode: ceilMode)
            #expect(window.outputSize(for: spatial, ceilMode: ceilMode)?[0] == (fits ? length : nil),
                    "\(padding.label) size \(size) k \(kernel) s \(stride) d \(dilation) ceil \(ceilMode)")
            compared += 1
          }
        }
      }
    }
    #expect(compared == 240)
  }

  @Test("Conv and Pool expose their window; its padding value is what a crop may be filled with")
  func windows() throws {
    let conv = try Conv(weights: Tensor(zeros: [4, 2, 3, 5]), bias: nil, strides: [2, 1], dilations: [1, 2], padding: .sameLower)
    #expect(try conv.window == SlidingWindow(kernel: [3, 5], strides: [2, 1], dilations: [1, 2], padding: .sameLower, paddingValue: 0))
    let max = try Pool(kind: .max, kernel: [3, 3], strides: [2, 2], padding: .sameUpper)
    #expect(max.window?.paddingValue == -.infinity && max.window?.padding == .sameUpper)
    let average = try Pool(kind: .average, kernel: [2, 2], strides: nil)
    #expect(average.window != nil && average.window?.paddingValue == nil)
    #expect(Relu().window == nil && GlobalPool(.average).window == nil)
    // The padding-free copies keep the window but drop its padding.
    let unpadded = try #require(try conv.withoutPadding() as? Conv)
    #expect(unpadded.window?.padding == .explicit(begin: [0, 0], end: [0, 0]) && unpadded.kernel == [3, 5] && unpadded.strides == [2, 1])
  }

  @Test("every op declares the traits methods rely on")
  func traits() throws {
    let pointwise: [any Op] = [
      Relu(), Clip(low: 0, high: 6), LeakyRelu(), HardSigmoid(), HardSwish(), Sigmoid(), Tanh(), PRelu(slope: [0.1]),
      try BatchNormalization(gamma: [1], beta: [0], mean: [0], variance: [1]), BinaryArithmetic(.add), BinaryArithmetic(.div),
    ]
    for op in pointwise { #expect(op.traits == .pointwise, "\(op.typeName)") }
    for op in [Identity(), Identity(typeName: "Dropout")] { #expect(op.isIdentity && op.traits == .identity, "\(op.typeName)") }
    #expect(!Relu().isIdentity && !Reshape(.flatten(axis: 1)).isIdentity)
    #expect(GlobalPool(.max).isGlobalPool && ReduceMean(axes: [2, 3], keepDims: false).isGlobalPool && !Gemm().isGlobalPool)
    for op in [Reshape(.flatten(axis: 1)), Reshape(.shape([1, -1], allowZero: false))] { #expect(op.traits == .shapeOnly) }
    #expect(GlobalPool(.average).traits == .globalAveragePool && GlobalPool(.max).traits == .globalMaxPool)
    #expect(ReduceMean(axes: [2, 3], keepDims: true).traits == .globalAveragePool)
    #expect(ReduceMean(axes: [-1, -2], keepDims: false).traits == .globalAveragePool)
    #expect(ReduceMean(axes: [1], keepDims: true).traits.isEmpty && ReduceMean(axes: nil, keepDims: true).traits.isEmpty)
    #expect(Gemm().traits == .linear && MatMul().traits == .linear)
    #expect(Softmax(axis: -1).traits == [.scoreNormalisation, .softmaxOverLastAxis])
    #expect(Softmax(axis: 1).traits == .scoreNormalisation && Softmax(axis: -1, logarithmic: true).traits == .scoreNormalisation)
    let plain: [any Op] = [
      try Conv(weights: Tensor(zeros: [1, 1, 1, 1]), bias: nil), try Pool(kind: .max, kernel: [2, 2], strides: nil),
      Concat(axis: 1), Split(axis: 1, sizes: nil, parts: 2), Slice(starts: [0], ends: [1], axes: nil, steps: nil),
      Pad(mode: .constant, pads: [0, 0, 0, 0]), Transpose(permutation: nil), LRN(size: 3),
    ]
    for op in plain { #expect(op.traits.isEmpty, "\(op.typeName)") }
  }

  @Test("the ops of modern CNNs and transformers declare their traits")
  func transformerOpTraits() throws {
    let pointwise: [any Op] = [
      Erf(), Gelu(), Gelu(approximation: .tanh), Sqrt(), Exp(), Abs(), Neg(), Log(), Reciprocal(), Softplus(),
      Rounding(.ceil), Rounding(.sign), Trigonometric(.sin), BinaryArithmetic(.pow), BinaryArithmetic(.min),
      BinaryArithmetic(.mod), Where(), Not(), Comparison(.equal), Comparison(.less), Cast(to: .integer), Cast(to: .bool),
    ]
    for op in pointwise { #expect(op.traits == .pointwise, "\(op.typeName)") }
    #expect(Cast(to: .float).traits == .identity)  // float → float: the values unchanged, as Identity
    for op in [Reshape(.squeeze(axes: [1])), Reshape(.squeeze(axes: nil)), Reshape(.unsqueeze(axes: [0]))] {
      #expect(op.traits == .shapeOnly, "\(op.typeName)")
    }
    // A feature normalisation normalises each position's feature vector over the last axis only.
    #expect(LayerNormalization(axis: -1, scale: Tensor(shape: [4], values: [1, 1, 1, 1]), bias: nil).traits == .featureNormalisation)
    #expect(LayerNormalization(axis: 1, scale: Tensor(shape: [4], values: [1, 1, 1, 1]), bias: nil).traits.isEmpty)
    #expect(try InstanceNormalization(scale: [1, 1], bias: [0, 0]).traits.isEmpty)  // per channel over space
    #expect(Reduce(.max, axes: [2, 3], keepDims: true).traits == .globalMaxPool)
    #expect(Reduce(.max, axes: [-1, -2], keepDims: false).traits == .globalMaxPool)
    #expect(ReduceMean(axes: [2, 3], keepDims: false).traits == .globalAveragePool)
    #expect(Reduce(.max, axes: [1], keepDims: true).traits.isEmpty && Reduce(.sum, axes: [2, 3], keepDims: true).traits.isEmpty)
    // Attention probabilities [N, heads, T, T] over the keys: axis −1 (the importer writes 3 as −1).
    #expect(Softmax(axis: -1).traits.contains(.softmaxOverLastAxis) && !Softmax(axis: 2).traits.contains(.softmaxOverLastAxis))
    #expect(Softmax(axis: -1, coercedTo2D: true).traits == [.scoreNormalisation, .softmaxOverLastAxis])
    let plain: [any Op] = [
      Resize(mode: .linear, coordinates: .halfPixel, target: .scales(2, 2)), Expand(shape: [2, 3]),
      Gather(axis: 1, indices: [0], indicesShape: []), ScatterND(indices: [0], indicesShape: [1, 1]),
      Reduce(.sum, axes: [1], keepDims: false), Reduce(.l2, axes: [2, 3], keepDims: true), Reduce(.min, axes: [2, 3], keepDims: true),
      try Einsum(equation: "bhqd,bhkd->bhqk"), Tile(repeats: [1, 2]), Concat(axis: 0),
      try Conv1D(weights: Tensor(zeros: [1, 1, 3]), bias: nil, padding: .sameUpper),
    ]
    for op in plain { #expect(op.traits.isEmpty, "\(op.typeName)") }
    #expect(try Conv1D(weights: Tensor(zeros: [1, 1, 3]), bias: nil, padding: .valid).window == nil)
  }

  /// An op that only describes itself: the engine cannot run it.
  final class DescriptionOnly: Op, @unchecked Sendable {
    let typeName = "Gelu"
    let traits: OpTraits = .pointwise
    func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] { [inputShapes[0]] }
  }

  @Test("a network refuses an op without an engine implementation, naming the node")
  func refusesOpsItCannotRun() {
    #expect { _ = try TestNet.network([Node(name: "act", op: DescriptionOnly(), inputs: ["input"], outputs: ["y"])], output: "y") } throws: {
      "\($0)".contains("node 'act' (Gelu)") && "\($0)".contains("ExecutableOp")
    }
  }

  /// input [N, 3, 6, 6] → conv 3×3 → Relu "mid" → conv 3×3 (reads "mid" and a side branch) → GAP → Gemm "scores".
  static func network(_ random: inout SeededGenerator) throws -> Network {
    try TestNet.network([
      Node(name: "stem", op: try SmallNetworks.conv(&random, 3, 4), inputs: ["input"], outputs: ["stem"]),
      Node(name: "relu", op: Relu(), inputs: ["stem"], outputs: ["mid"]),
      Node(name: "side", op: try SmallNetworks.conv(&random, 4, 4, kernel: 1), inputs: ["stem"], outputs: ["side"]),
      Node(name: "conv", op: try SmallNetworks.conv(&random, 4, 4), inputs: ["mid"], outputs: ["conv"]),
      Node(name: "add", op: BinaryArithmetic(.add), inputs: ["conv", "side"], outputs: ["sum"]),
      Node(name: "gap", op: GlobalPool(.average), inputs: ["sum"], outputs: ["pooled"]),
      Node(name: "flatten", op: Reshape(.flatten(axis: 1)), inputs: ["pooled"], outputs: ["flat"]),
      Node(name: "fc", op: Gemm(transB: true), inputs: ["flat", "fc.weight"], outputs: ["scores"]),
    ], output: "scores", constants: ["fc.weight": random.tensor([3, 4])])
  }

  @Test("forward from a replaced tensor equals a whole forward pass of each replaced copy")
  func replacedForward() throws {
    var random = SeededGenerator(seed: 14)
    let network = try Self.network(&random)
    let images = random.tensor([2, 3, 6, 6])
    let trace = try network.forward(images)
    // Two copies of image 1's "mid", one of them with channel 2 zeroed.
    let mid = try trace.tensor(named: "mid").item(1)
    var masked = mid
    for i in 0..<36 { masked.values[2 * 36 + i] = 0 }
    let scores = try trace.tensor(named: "scores", replacing: "mid", with: Tensor.batch([mid, masked]), item: 1)
    #expect(scores.shape == [2, 3])
    // Reference: the nodes after "mid" as a network whose input is "mid", with image 1's "stem" a constant.
    let stem = try trace.tensor(named: "stem").item(1)
    let rest = try Network(nodes: Array(network.nodes[2...]), inputName: "mid", outputNames: ["scores"],
                           constants: network.constants.merging(["stem": stem]) { kept, _ in kept })
    for (copy, replacement) in [mid, masked].enumerated() {
      let reference = try rest.forward(replacement).output()
      #expect(MaxDifference(scores.item(copy).values, reference.values.map(Double.init)).value <= 1e-5, "copy \(copy)")
    }
    // The unmasked copy reproduces the original scores of image 1; masking changes them.
    let original = try trace.tensor(named: "scores").item(1).values
    #expect(MaxDifference(scores.item(0).values, original.map(Double.init)).value <= 1e-5)
    #expect(zip(scores.item(1).values, original).contains { abs($0 - $1) > 1e-3 })
  }

  @Test("forward from a replaced tensor: unknown names, an out-of-range item, an output upstream of the replacement")
  func replacedForwardErrors() throws {
    var random = SeededGenerator(seed: 15)
    let network = try Self.network(&random)
    let trace = try network.forward(random.tensor([1, 3, 6, 6]))
    let mid = try trace.tensor(named: "mid")
    #expect { _ = try trace.tensor(named: "scores", replacing: "midd", with: mid, item: 0) } throws: { "\($0)".contains("closest: mid") }
    #expect { _ = try trace.tensor(named: "scores", replacing: "mid", with: mid, item: 1) } throws: { "\($0)".contains("item 1 is out of range") }
    #expect { _ = try trace.tensor(named: "side", replacing: "mid", with: mid, item: 0) } throws: {
      "\($0)".contains("tensor 'side' does not depend on tensor 'mid'")
    }
  }
}
