@testable import Engine
import Testing

// The forward-only run (`ForwardMode.fused`) folds activations and residual Adds into the
// convolution before them (oneDNN post-ops), accumulates in place into residual buffers nothing
// reads later, and releases tensors after their last reader. Each case checks that the fusion
// happened (the plan) and that the outputs equal the unfused run's, which the naive-reference and
// finite-difference tests already check.

struct FusionCase: Sendable, CustomTestStringConvertible {
  var name: String
  /// Number of convolutions the plan must fuse.
  var fusions: Int
  /// Of those, how many absorb a residual Add.
  var residualFusions: Int
  var inputChannels = 3
  var build: @Sendable (inout SeededGenerator) throws -> Network
  var testDescription: String { name }

  private static func conv(_ random: inout SeededGenerator, _ input: Int, _ output: Int, kernel: Int = 3) throws -> Conv {
    try SmallNetworks.conv(&random, input, output, kernel: kernel)
  }

  static let all: [FusionCase] = [
    FusionCase(name: "conv → activation, each kind oneDNN has", fusions: 6, residualFusions: 0) { random in
      let activations: [any Op] = [Relu(), LeakyRelu(alpha: 0.2), Clip(low: 0, high: 6), HardSwish(), Sigmoid(), Tanh()]
      var nodes: [Node] = []
      var source = "input", channels = 3
      for (index, activation) in activations.enumerated() {
        nodes.append(Node(name: "conv\(index)", op: try conv(&random, channels, 18), inputs: [source], outputs: ["c\(index)"]))
        nodes.append(Node(name: "act\(index)", op: activation, inputs: ["c\(index)"], outputs: ["a\(index)"]))
        source = "a\(index)"
        channels = 18
      }
      return try TestNet.network(nodes, output: source)
    },
    // The residual "x" is read by nothing after the Add: the sum accumulates into its own buffer.
    FusionCase(name: "residual block: conv → Add(·, x) → Relu in x's buffer", fusions: 3, residualFusions: 1) { random in
      try TestNet.network([
        Node(name: "stem", op: try conv(&random, 3, 16), inputs: ["input"], outputs: ["s"]),
        Node(name: "stem_relu", op: Relu(), inputs: ["s"], outputs: ["x"]),
        Node(name: "conv_a", op: try conv(&random, 16, 16), inputs: ["x"], outputs: ["a"]),
        Node(name: "relu_a", op: Relu(), inputs: ["a"], outputs: ["a_relu"]),
        Node(name: "conv_b", op: try conv(&random, 16, 16), inputs: ["a_relu"], outputs: ["b"]),
        Node(name: "add", op: BinaryArithmetic(.add), inputs: ["b", "x"], outputs: ["sum"]),
        Node(name: "relu", op: Relu(), inputs: ["sum"], outputs: ["output"]),
      ], output: "output")
    },
    // "x" is read again after the Add: the sum must work on a copy.
    FusionCase(name: "residual read again later: accumulates into a copy", fusions: 1, residualFusions: 1) { random in
      try TestNet.network([
        Node(name: "stem", op: try conv(&random, 3, 20), inputs: ["input"], outputs: ["x"]),
        Node(name: "conv_a", op: try conv(&random, 20, 20), inputs: ["x"], outputs: ["a"]),
        Node(name: "add", op: BinaryArithmetic(.add), inputs: ["x", "a"], outputs: ["sum"]),
        Node(name: "again", op: BinaryArithmetic(.mul), inputs: ["sum", "x"], outputs: ["output"]),
      ], output: "output")
    },
    // "alias" shares x's buffer (Identity) and is read after the Add: the name check alone would
    // allow writing into x's buffer; the buffer's reference count must stop it.
    FusionCase(name: "residual aliased by an Identity read later: accumulates into a copy", fusions: 1, residualFusions: 1) { random in
      try TestNet.network([
        Node(name: "stem", op: try conv(&random, 3, 16), inputs: ["input"], outputs: ["x"]),
        Node(name: "alias", op: Identity(), inputs: ["x"], outputs: ["alias"]),
        Node(name: "conv_a", op: try conv(&random, 16, 16), inputs: ["x"], outputs: ["a"]),
        Node(name: "add", op: BinaryArithmetic(.add), inputs: ["a", "x"], outputs: ["sum"]),
        Node(name: "again", op: BinaryArithmetic(.sub), inputs: ["sum", "alias"], outputs: ["output"]),
      ], output: "output")
    },
    // A downsampling block: both Add operands are convs; the later one accumulates into the earlier.
    FusionCase(name: "both operands are convs: the later accumulates into the earlier", fusions: 1, residualFusions: 1) { random in
      try TestNet.network([
        Node(name: "stem", op: try conv(&random, 3, 16), inputs: ["input"], outputs: ["x"]),
        Node(name: "main", op: try conv(&random, 16, 24), inputs: ["x"], outputs: ["m"]),
        Node(name: "shortcut", op: try conv(&random, 16, 24, kernel: 1), inputs: ["x"], outputs: ["d"]),
        Node(name: "add", op: BinaryArithmetic(.add), inputs: ["m", "d"], outputs: ["sum"]),
        Node(name: "relu", op: Relu(), inputs: ["sum"], outputs: ["output"]),
      ], output: "output")
    },
    // The other operand broadcasts ([N, C, 1, 1]): planned as a residual fusion, run unfused.
    FusionCase(name: "broadcast Add runs unfused", fusions: 1, residualFusions: 1) { random in
      try TestNet.network([
        Node(name: "stem", op: try conv(&random, 3, 16), inputs: ["input"], outputs: ["x"]),
        Node(name: "gap", op: GlobalPool(.average), inputs: ["x"], outputs: ["pooled"]),
        Node(name: "conv_a", op: try conv(&random, 16, 16), inputs: ["x"], outputs: ["a"]),
        Node(name: "add", op: BinaryArithmetic(.add), inputs: ["a", "pooled"], outputs: ["output"]),
      ], output: "output")
    },
    FusionCase(name: "small residual network", fusions: 2, residualFusions: 1) { random in try SmallNetworks.residual(&random) },
    FusionCase(name: "classifier with Gemm", fusions: 1, residualFusions: 0) { random in try SmallNetworks.classifier(&random) },
  ]
}

@Suite("Forward-only runs fuse convolutions with what follows")
struct FusedForwardTests {
  @Test("the plan fuses, and the fused run gives the unfused run's output", arguments: FusionCase.all)
  func fusedEqualsUnfused(_ fusionCase: FusionCase) throws {
    var random = SeededGenerator(seed: 5)
    let network = try fusionCase.build(&random)
    let plan = network.fusionPlan
    #expect(plan.fusions.count == fusionCase.fusions, "\(fusionCase.name): planned \(plan.fusions.count) fusions")
    #expect(plan.fusions.values.filter { $0.residual != nil }.count == fusionCase.residualFusions,
            "\(fusionCase.name): residual fusions \(plan.fusions.values.filter { $0.residual != nil }.count)")

    let x = random.tensor([2, fusionCase.inputChannels, 9, 8])
    let unfused = try network.forward(x).tensor(named: network.outputNames[0])
    let fusedTrace = try network.forward(x, mode: .fused)
    let fused = try fusedTrace.tensor(named: network.outputNames[0])
    try #require(fused.shape == unfused.shape)
    let difference = MaxDifference(fused.values, unfused.values)
    #expect(difference.value <= 1e-5, "\(fusionCase.name): \(difference)")
    // The same again: a run must not have changed state the next one reads (buffers written in place).
    let again = try network.forward(x, mode: .fused).tensor(named: network.outputNames[0])
    #expect(again.values == fused.values, "\(fusionCase.name): a second fused run differs")
  }

  @Test("a fused run keeps only the outputs and the tensors asked for")
  func keepsOnlyWhatWasAskedFor() throws {
    var random = SeededGenerator(seed: 8)
    let network = try SmallNetworks.residual(&random)
    let x = random.tensor([1, 3, 8, 8])
    let plain = try network.forward(x)
    let fused = try network.forward(x, mode: .fused, keeping: ["a", "mid"])
    #expect(throws: EngineError.self) { try fused.tensor(named: "a_relu") }  // released after conv_b read it
    // "a" is kept, so conv_a → relu_a is not fused and "a" holds the pre-activation values.
    #expect(try fused.tensor(named: "a").values == plain.tensor(named: "a").values)
    #expect(try fused.tensor(named: "mid").values == plain.tensor(named: "mid").values)
    // The output went through fused post-ops: equal up to the kernels' rounding (ISA-dependent).
    let difference = MaxDifference(try fused.output().values, try plain.output().values)
    #expect(difference.value <= 1e-5, "\(difference)")
  }

  @Test("a forward-only trace refuses a backward pass instead of differentiating through missing tensors")
  func fusedTraceRefusesBackward() throws {
    var random = SeededGenerator(seed: 9)
    let network = try SmallNetworks.residual(&random)
    let trace = try network.forward(random.tensor([1, 3, 8, 8]), mode: .fused)
    let seed = Tensor(shape: try trace.shape(of: "output"), values: [Float](repeating: 1, count: try trace.output().count))
    #expect(throws: EngineError.self) { try trace.backward(seed: seed, at: "output", to: ["input"]) }
  }

  /// nChw16c with H = W = 1 and whole channel blocks is plain order: the reorder shares the buffer.
  /// Checked through a classifier head on 32 channels against the naive convolution.
  @Test("pooled features of whole channel blocks leave the blocked layout without a copy, unchanged")
  func pooledFeaturesShareTheirBuffer() throws {
    var random = SeededGenerator(seed: 12)
    let weights = random.convWeights([32, 3, 1, 1]), bias = random.floats(32)
    let x = random.tensor([2, 3, 1, 1])
    let network = try TestNet.network([
      Node(name: "conv", op: try Conv(weights: weights, bias: bias), inputs: ["input"], outputs: ["features"]),
      Node(name: "flatten", op: Reshape(.flatten(axis: 1)), inputs: ["features"], outputs: ["output"]),
    ], output: "output")
    let trace = try network.forward(x)
    #expect(TestNet.layout(of: "features", in: trace) == .native)
    #expect(trace.values["output"]?.buffer === trace.values["features"]?.buffer, "Flatten copied the features")
    let expected = NaiveReference.conv2d(x, weights: weights, bias: bias)
    let difference = MaxDifference(try trace.output().values, expected.values)
    #expect(difference.value <= 1e-5, "\(difference)")
  }

  @Test("dense 3×3 stride-1 convolutions run Winograd kernels where oneDNN has them (AVX-512), optimised direct ones elsewhere")
  func winogradIsChosen() throws {
    var random = SeededGenerator(seed: 3)
    let conv = try SmallNetworks.conv(&random, 32, 48)
    let name = try conv.forwardImplementation(inputShape: [1, 32, 14, 14])
    #expect(!name.hasPrefix("ref:"), "oneDNN runs reference code for a dense 3×3 convolution on \(ChannelBlock.instructionSet): \(name)")
    if DNNLRuntime.usesAVX512Core {
      #expect(name.contains("wino"), "oneDNN chose \(name) on \(ChannelBlock.instructionSet)")
    } else {
      #expect(!name.contains("wino"), "Winograd asked for on \(ChannelBlock.instructionSet), where oneDNN 2.6 has none: \(name)")
    }
    let strided = try Conv(weights: random.convWeights([48, 32, 3, 3]), bias: nil, strides: [2, 2],
                           padding: .explicit(begin: [1, 1], end: [1, 1]))
    let stridedName = try strided.forwardImplementation(inputShape: [1, 32, 14, 14])
    #expect(!stridedName.contains("wino") && !stridedName.hasPrefix("ref:"), "strided convolution runs \(stridedName)")
  }
}
