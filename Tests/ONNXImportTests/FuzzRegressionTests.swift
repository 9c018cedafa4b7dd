// Inputs found by Fuzz/Sources/FuzzONNX that crashed the importer, kept as regression tests (their
// bytes are also in Fuzz/Corpus/FuzzONNX/regression-*.onnx).
import Foundation
import ONNXFormat
import ONNXImport
import Testing

@Suite struct ONNXFuzzRegressionTests {
  struct Case: Sendable, CustomTestStringConvertible {
    let name: String
    /// What the error must name.
    let mentions: String
    let base64: String
    var testDescription: String { name }
  }

  /// Found by FuzzONNX in CI runs on 2026-12-02, each a one-byte change of an op fixture: a Reshape
  /// target and Pad pads holding dimensions so large that the shape arithmetic overflowed Int (a trap)
  /// instead of giving an error.
  static let cases = [
    Case(name: "Reshape target whose product overflows", mentions: "Reshape",
         base64: "CAgSHENvbnZMZW5zIG1ha2Vfb3BfZml4dHVyZXMucHk6hAEKHwoBeAoCdzESAXkaCm5fUmVzaGFwZTMiB1Jlc2hhcGUSE3Jlc2hhcGVfemVyb19taW51czEqGggCEAdCAncxShAAAAAAAAAACS7/////////WhsKAXgSFgoUCAESEAoCCAIKAggECgIIBgoCCAViEwoBeRIOCgwIARIICgIIAgoCCHhCBAoAEBE="),
    Case(name: "Pad whose pads overflow the size", mentions: "Pad",
         base64: "CAgSHENvbnZMZW5zIG1ha2Vfb3BfZml4dHVyZXMucHk6wAEKKwoBeAoCdzESAXkaBm5fUGFkMyIDUGFkKhIKBG1vZGUiB3JlZmxlY3SgQAMSC3BhZF9yZWZsZWN0KkoICBAHQgJ3MUpAKwAAAAAAAAAAAABdIPA9Tg6Fvb2WsT2iOQa+MV0AAAAAAAAAAAAAAABMZWFreVJlbHUAAAAAAAABAAAAAAAAAFobCgF4EhYKFAgBEhAKAggCCgIIAwoCCAUKAggGYhsKAXkSFgoUCAESEAoCCAIKAggDCgIICAoCCAlCBAoAEBE="),
    // 2026-12-05, a local FuzzONNX run: a MatMul node with one input (the importer passed whatever
    // inputs the node had, and shape inference indexed the missing second one).
    Case(name: "MatMul with one input", mentions: "node 'n_MatMul4' (MatMul): needs inputs A, B",
         base64: "CAgSHENvbnZMZW5zIG1ha2Vfb3BfZml4dHVyZXMucHk6lAEKMQoBeBICdDEaDG5fVHJhbnNwb3NlMiIJVHJhbnNwb3NlKg8KBHBhcm1ABEACQAGgAQcKHQoBePD9dDESAXkaCW5fTWF0TXVsNCIGTWF0TXVsEg5tYXRtbHJfdXRudWltZVoXCgF4EhIKEAgBEgwKAggCCgIIAwoCCAhiFwoBeRISChAIARIMCgIIAioCCAMKAggDQgQKABAR"),
  ]

  @Test(arguments: cases)
  func malformedShapeArithmeticIsAnError(_ regression: Case) throws {
    let data = try #require(Data(base64Encoded: regression.base64))
    var message = ""
    do {
      _ = try ONNXNetworkLoader.network(from: try ONNXFileLoader.load(data: data, baseDirectory: nil))
      Issue.record("the malformed model loaded")
    } catch {
      message = "\(error)"
    }
    #expect(message.contains(regression.mentions), "\(message)")
  }
}

/// The same class of input, stated as graphs: values from the file that reach shape arithmetic of ops
/// (Split sizes, Slice steps, window parameters) must give an error naming the node, never a trap.
/// Found by FuzzONNX in CI on 2026-12-05 (Split sizes whose sum overflowed Int); the others share the
/// pattern and were closed at the same time.
@Suite struct ShapeArithmeticOverflowTests {
  static let huge = Int(Int64.max)

  @Test func splitSizesThatOverflowTheirSum() throws {
    let sizes = ONNXConstant(shape: [2], int64s: [Int64(Self.huge), Int64(2)])
    let graph = testGraph([ONNXNode(name: "halves", opType: "Split", inputs: ["x", "sizes"], outputs: ["a", "y"],
                                    attributes: ["axis": .int(1)])],
                          inputShape: [1, 4, 2, 2], constants: ["sizes": sizes], opset: 18)
    let message = try #require(importError(graph))
    #expect(message.contains("node 'halves' (Split)") && message.contains("do not add up to 4"), "\(message)")
  }

  @Test func splitNumOutputsDifferentFromItsOutputs() throws {
    let graph = testGraph([ONNXNode(name: "parts", opType: "Split", inputs: ["x"], outputs: ["a", "y"],
                                    attributes: ["axis": .int(1), "num_outputs": .int(Self.huge)])],
                          inputShape: [1, 4, 2, 2], opset: 18)
    #expect(importError(graph) == "node 'parts' (Split): num_outputs \(Self.huge) differs from its 2 outputs")
  }

  @Test func sliceStepsAtTheEndsOfInt() throws {
    for step in [Self.huge, Int(Int64.min), Int(Int64.min) + 1] {
      let graph = testGraph([ONNXNode(name: "every", opType: "Slice", inputs: ["x", "starts", "ends", "axes", "steps"], outputs: ["y"])],
                            inputShape: [1, 4, 6], constants: [
                              "starts": ONNXConstant(shape: [1], int64s: [Int64(step > 0 ? 1 : -1)]),
                              "ends": ONNXConstant(shape: [1], int64s: [step > 0 ? Int64.max : Int64.min]),
                              "axes": ONNXConstant(shape: [1], int64s: [Int64(2)]), "steps": ONNXConstant(shape: [1], int64s: [Int64(step)])])
      // One element either way, as onnxruntime gives for any step longer than the axis.
      let network = try ONNXNetworkLoader.network(from: graph)
      #expect(try network.shapes(forInput: [1, 4, 6])["y"] == [1, 4, 1], "step \(step)")
    }
  }

  @Test func windowParametersBeyondAnyNetwork() throws {
    let weights = ONNXConstant(shape: [2, 3, 3, 3], floats: [Float](repeating: 0.1, count: 54))
    for (name, value) in [("dilations", [Self.huge, 1]), ("strides", [1, Self.huge]), ("pads", [0, 0, Self.huge, 0])] {
      let graph = testGraph([ONNXNode(name: "conv", opType: "Conv", inputs: ["x", "w"], outputs: ["y"], attributes: [name: .ints(value)])],
                            inputShape: [1, 3, 8, 8], constants: ["w": weights])
      let message = try #require(importError(graph), "\(name)")
      #expect(message.contains("node 'conv' (Conv)") && message.contains("to 65536"), "\(name): \(message)")
    }
    let pool = testGraph([ONNXNode(name: "pool", opType: "MaxPool", inputs: ["x"], outputs: ["y"],
                                   attributes: ["kernel_shape": .ints([Self.huge, 2])])], inputShape: [1, 3, 8, 8])
    let message = try #require(importError(pool))
    #expect(message.contains("node 'pool' (MaxPool)") && message.contains("to 65536"), "\(message)")
  }
}
