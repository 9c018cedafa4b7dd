@testable import Engine
import Testing

@Suite("Backward API errors")
struct BackwardErrorTests {
  /// input [1, 3, 5, 5] → stem_conv → stem_relu → head_pool → head_logits [1, 4].
  private func makeTrace() throws -> Trace {
    var random = SeededGenerator(seed: 31)
    let network = try TestNet.network([
      Node(name: "conv", op: try SmallNetworks.conv(&random, 3, 4), inputs: ["input"], outputs: ["stem_conv"]),
      Node(name: "relu", op: Relu(), inputs: ["stem_conv"], outputs: ["stem_relu"]),
      Node(name: "pool", op: GlobalPool(.average), inputs: ["stem_relu"], outputs: ["head_pool"]),
      Node(name: "flatten", op: Reshape(.flatten(axis: 1)), inputs: ["head_pool"], outputs: ["head_logits"]),
    ], output: "head_logits")
    return try network.forward(random.tensor([1, 3, 5, 5]))
  }

  @Test("a gradient target that does not exist: error names it and lists the closest names")
  func unknownTarget() throws {
    let trace = try makeTrace()
    let seed = try Trace.oneHotSeed(shape: [1, 4], classes: [2])
    let text = try #require(thrownMessage { _ = try trace.backward(seed: seed, at: "head_logits", to: ["input", "stem_rleu"]) },
                            "no error for an unknown target")
    #expect(text.contains("stem_rleu"), "the message should name the missing tensor: \(text)")
    #expect(text.contains("stem_relu"), "the message should suggest 'stem_relu': \(text)")
    #expect(!text.contains("\n"), "the message should be one line: \(text)")
  }

  @Test("a seed tensor that does not exist: error lists the closest names")
  func unknownSeedTensor() throws {
    let trace = try makeTrace()
    let seed = try Trace.oneHotSeed(shape: [1, 4], classes: [0])
    let text = try #require(thrownMessage { _ = try trace.backward(seed: seed, at: "head_logit", to: ["input"]) },
                            "no error for an unknown seed tensor")
    #expect(text.contains("head_logits"), "the message should suggest 'head_logits': \(text)")
  }

  @Test("a seed whose shape differs from the tensor's throws, naming both shapes")
  func seedShapeMismatch() throws {
    let trace = try makeTrace()
    let text = try #require(thrownMessage { _ = try trace.backward(seed: Tensor(zeros: [2, 4]), at: "head_logits", to: ["input"]) },
                            "no error for a seed of the wrong shape")
    #expect(text.contains("[2, 4]") && text.contains("[1, 4]"), "the message should give both shapes: \(text)")
    #expect(thrownMessage { _ = try trace.backward(seed: Tensor(zeros: [4]), at: "head_logits", to: ["input"]) } != nil,
            "a seed of the wrong rank should throw")
  }

  @Test("one-hot seeds: one class per item, in range")
  func oneHotSeed() throws {
    let seed = try Trace.oneHotSeed(shape: [2, 4], classes: [3, 0])
    #expect(seed.values == [0, 0, 0, 1, 1, 0, 0, 0])
    #expect(thrownMessage { _ = try Trace.oneHotSeed(shape: [2, 4], classes: [1]) } != nil, "too few classes should throw")
    let outOfRange = thrownMessage { _ = try Trace.oneHotSeed(shape: [1, 4], classes: [4]) }
    #expect(outOfRange?.contains("4") == true, "an out-of-range class should throw naming it: \(outOfRange ?? "no error")")
  }

  @Test("a trace lookup of an unknown tensor suggests close names")
  func unknownTensorLookup() throws {
    let trace = try makeTrace()
    let text = try #require(thrownMessage { _ = try trace.tensor(named: "stem-conv") }, "no error for an unknown tensor")
    #expect(text.contains("stem_conv"), "the message should suggest 'stem_conv': \(text)")
  }
}
