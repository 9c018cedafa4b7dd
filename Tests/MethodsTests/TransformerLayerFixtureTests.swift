import Engine
import Foundation
import Imaging
@testable import Methods
import ONNXImport
import Testing

// The automatic CAM layer's rules beyond the ViT one, on five tiny random-weight models: timm Swin (norm2
// as tokens [N, 49, C]; and at 224 × 320, tokens [N, 70, C] on a 7 × 10 grid), torchvision Swin (norm2 channels-last [N, 7, 7, C]), timm ConvNeXt (the last
// stage's residual Add, not the head's pooled LayerNorm) and timm LeViT (the last token tensor: no
// normalisation over features). Made by Scripts/make_transformer_layer_fixtures.py (Fixtures/
// TransformerLayers, PROVENANCE.md): logits from onnxruntime, the expected tensor found in the exported
// graph from the PyTorch module that computes it, Grad-CAM from pytorch-grad-cam. CI needs no Python.

/// Fixtures/TransformerLayers/cases.json.
struct TransformerLayerFixtures: Decodable {
  struct Model: Decodable, Sendable, CustomTestStringConvertible {
    let model: String
    let file: String
    /// Its input image's .npy ([1, 3, 224, 224]; [1, 3, 224, 320] for the wide Swin).
    let input: String
    /// The ONNX tensor `layer: auto` must choose.
    let layer: String
    /// Its shape as the network has it, batch first.
    let shape: [Int]
    /// How it reads as maps: [1, C, h, w].
    let maps: [Int]
    /// tokens, channels-last or channels-first (`FeatureGrid.Arrangement`).
    let arrangement: String
    /// A phrase of the rule's caption; nil for the CNN rule, which names none.
    let rule: String?
    /// Why that tensor, in a line.
    let reason: String
    /// The top-1 class, Grad-CAM's target.
    let target: Int
    let logits: String
    /// pytorch-grad-cam's raw Grad-CAM map at `layer`, [1, h, w] (Swin and ConvNeXt).
    let gradcam: String?
    var testDescription: String { model }
  }
  let models: [Model]

  static func folder() throws -> URL {
    let fixtures = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
    return fixtures.appendingPathComponent("TransformerLayers")
  }
  static func load() throws -> TransformerLayerFixtures {
    try JSONDecoder().decode(TransformerLayerFixtures.self, from: Data(contentsOf: try folder().appendingPathComponent("cases.json")))
  }
  static let cases = (try? load())?.models ?? []

  static func array(_ path: String) throws -> NPYArray { try NPYFile.read(contentsOf: try folder().appendingPathComponent(path)) }

  /// The model's network and its fixture image [1, 3, H, W].
  static func model(_ model: Model) throws -> (Network, Tensor) {
    let network = try ONNXNetworkLoader.load(contentsOf: try folder().appendingPathComponent(model.file))
    let input = try array(model.input)
    return (network, Tensor(shape: input.shape, values: input.values))
  }
}

@Suite("Transformers: the automatic layer on tiny Swin (timm, torchvision), ConvNeXt and LeViT", .serialized)
struct TransformerLayerFixtureTests {
  @Test("the fixture file lists the five tiny models, with Grad-CAM references for Swin and ConvNeXt")
  func fixturesLoad() {
    let cases = TransformerLayerFixtures.cases
    #expect(cases.map(\.model) == ["swin_timm_random", "swin_timm_wide_random", "swin_torchvision_random", "convnext_timm_random",
                                   "levit_timm_random"])
    #expect(cases.filter { $0.gradcam != nil }.map(\.model)
            == ["swin_timm_random", "swin_timm_wide_random", "swin_torchvision_random", "convnext_timm_random"])
    // The wide Swin's last stage: 70 tokens on 7 × 10, which a square reading would take for 6 + 8 × 8.
    #expect(cases.first { $0.model == "swin_timm_wide_random" }?.maps == [1, 64, 7, 10])
  }

  @Test("the model loads and its logits match onnxruntime's", arguments: TransformerLayerFixtures.cases)
  func logits(_ model: TransformerLayerFixtures.Model) throws {
    let (network, input) = try TransformerLayerFixtures.model(model)
    let trace = try network.forward(input)
    let ours = try trace.tensor(named: network.outputNames[0])
    let expected = try TransformerLayerFixtures.array(model.logits)
    try #require(ours.shape == expected.shape, "\(ours.shape) vs \(expected.shape)")
    let error = zip(ours.values, expected.values).map { abs($0 - $1) }.max() ?? .infinity
    let scale = expected.values.map { abs($0) }.max() ?? 0
    print("[transformer layers] \(model.model) logits: max abs error \(String(format: "%.2e", error)) (\(String(format: "%.2e", error / scale)) of max)")
    #expect(error <= 1e-4 * scale, "logits: max abs error \(error), max |logit| \(scale)")
    #expect(ours.values.indices.max { ours.values[$0] < ours.values[$1] } == model.target)
  }

  @Test("`layer: auto` picks the expected tensor, read as the expected maps, by the expected rule", arguments: TransformerLayerFixtures.cases)
  func automaticLayer(_ model: TransformerLayerFixtures.Model) throws {
    let (network, input) = try TransformerLayerFixtures.model(model)
    let resolved = try LayerChoice.auto.resolve(in: network, inputShape: input.shape)
    #expect(resolved.name == model.layer, "expected \(model.reason)")
    #expect(resolved.grid.layerShape == Array(model.shape.dropFirst()))
    #expect(resolved.grid.arrangement.rawValue == model.arrangement)
    #expect(resolved.shape == model.maps)
    if let rule = model.rule {
      #expect(resolved.rule?.contains(rule) == true, "rule: \(resolved.rule ?? "none")")
    } else {
      #expect(resolved.rule == nil, "rule: \(resolved.rule ?? "none")")
    }
  }

  @Test("Grad-CAM at the automatic layer matches pytorch-grad-cam", arguments: TransformerLayerFixtures.cases.filter { $0.gradcam != nil })
  func gradCAM(_ model: TransformerLayerFixtures.Model) throws {
    let (network, input) = try TransformerLayerFixtures.model(model)
    let output = try MethodRegistry.make("grad-cam", settings: ["layer": .string("auto")]).run(MethodContext(network: network, images: input))
    let maps = try #require(output.payload.layerMaps)
    #expect(maps.layer == model.layer)
    #expect(maps.layerShape == Array(model.maps.dropFirst()))
    #expect(maps.items.map(\.target.index) == [model.target])
    let ours = maps.items.flatMap(\.map.values)
    let reference = try TransformerLayerFixtures.array(try #require(model.gradcam))  // [1, h, w]
    try #require(ours.count == reference.values.count, "\(ours.count) values, the reference has shape \(reference.shape)")
    let agreement = Agreement(ours, reference.values, images: 1)
    print("[transformer layers] \(model.model) grad-cam at \(model.layer): \(agreement)")
    #expect(agreement.correlation >= 0.9999, "\(agreement)")
    #expect(agreement.relativeError <= 1e-4, "\(agreement)")
  }
}
