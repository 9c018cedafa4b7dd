import Engine
import Foundation
import Imaging
import ONNXImport
import Testing

// The tiny random-weight vision transformers of Tests/MethodsTests/Fixtures/ViT (TorchScript exporter,
// opset 17, dynamic batch; Scripts/make_vit_fixtures.py): they load, and their logits [2, 1000] for
// input.npy [2, 3, 224, 224] match PyTorch's (logits.npy) at the input's batch of 2. The attention
// methods find each block's attention probabilities through the Softmax op's traits, so those are
// checked here too.

enum ViTFixtures {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("MethodsTests/Fixtures/ViT")
  static let models = ["vit_tiny_random", "deit_distilled_random"]

  static func tensor(_ url: URL) throws -> Tensor {
    let array = try NPYFile.read(contentsOf: url)
    return Tensor(shape: array.shape, values: array.values)
  }

  /// ‖a − b‖ / ‖b‖.
  static func relativeL2(_ a: [Float], _ b: [Float]) -> Double {
    var difference = 0.0, norm = 0.0
    for (x, y) in zip(a, b) {
      difference += Double(x - y) * Double(x - y)
      norm += Double(y) * Double(y)
    }
    return (difference / max(norm, .leastNormalMagnitude)).squareRoot()
  }
}

@Suite("tiny ViT fixtures: logits match PyTorch")
struct ViTFixtureTests {
  @Test("logits at batch 2 match logits.npy (relative L2 ≤ 1e-4)", arguments: ViTFixtures.models)
  func logits(_ model: String) throws {
    let network = try ONNXNetworkLoader.load(contentsOf: ViTFixtures.folder.appendingPathComponent("\(model)/model.onnx"))
    let input = try ViTFixtures.tensor(ViTFixtures.folder.appendingPathComponent("input.npy"))
    let expected = try ViTFixtures.tensor(ViTFixtures.folder.appendingPathComponent("\(model)/logits.npy"))
    try #require(input.shape == [2, 3, 224, 224] && expected.shape == [2, 1000])
    let logits = try network.forward(input).output()
    try #require(logits.shape == expected.shape, "\(model): logits \(logits.shape), expected \(expected.shape)")
    let error = ViTFixtures.relativeL2(logits.values, expected.values)
    print("[vit fixtures] \(model): relative L2 \(error)")
    #expect(error <= 1e-4, "\(model): relative L2 \(error)")
  }

  @Test("each block's attention Softmax (cases.json) reads as attention over the keys", arguments: ViTFixtures.models)
  func attentionSoftmaxTraits(_ model: String) throws {
    struct Cases: Decodable {
      struct Model: Decodable { let model: String; let attention: [String] }
      let models: [Model]
    }
    let cases = try JSONDecoder().decode(Cases.self, from: Data(contentsOf: ViTFixtures.folder.appendingPathComponent("cases.json")))
    let attention = try #require(cases.models.first { $0.model == model }?.attention)
    let network = try ONNXNetworkLoader.load(contentsOf: ViTFixtures.folder.appendingPathComponent("\(model)/model.onnx"))
    let found = network.nodes.filter { $0.op.traits.contains(.softmaxOverLastAxis) }.flatMap(\.outputs)
    #expect(found == attention, "\(model): softmax over the last axis at \(found)")
  }
}
