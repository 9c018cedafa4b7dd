import Engine
import Foundation
import Imaging
@testable import Methods
import ONNXImport
import Testing

// Token-map Grad-CAM, attention rollout and attention-gradient on two tiny random-weight timm
// transformers (a ViT with a class token; a DeiT with class and distillation tokens), against the
// values Scripts/make_vit_fixtures.py computed with PyTorch and pytorch-grad-cam (Fixtures/ViT,
// PROVENANCE.md). CI needs no Python.

/// Fixtures/ViT/cases.json.
struct ViTFixtures: Decodable {
  struct Model: Decodable, Sendable, CustomTestStringConvertible {
    let model: String
    let prefix: Int
    let grid: [Int]
    let classes: [Int]
    /// The last block's norm1 output, pytorch-grad-cam's ViT target layer.
    let norm1: String
    /// Each block's attention Softmax output.
    let attention: [String]
    var testDescription: String { model }
  }
  let models: [Model]

  static func folder() throws -> URL {
    let fixtures = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
    return fixtures.appendingPathComponent("ViT")
  }
  static let cases = (try? JSONDecoder().decode(ViTFixtures.self, from: Data(contentsOf: folder().appendingPathComponent("cases.json"))))?.models ?? []

  static func array(_ path: String) throws -> NPYArray { try NPYFile.read(contentsOf: try folder().appendingPathComponent(path)) }

  /// The model's network and the context of the two fixture images.
  static func context(_ model: Model) throws -> MethodContext {
    let network = try ONNXNetworkLoader.load(contentsOf: try folder().appendingPathComponent("\(model.model)/model.onnx"))
    let input = try array("input.npy")
    return MethodContext(network: network, images: Tensor(shape: input.shape, values: input.values))
  }

  /// The maps of a layer-map output, image after image.
  static func maps(_ output: MethodOutput) throws -> (LayerMaps, [Float]) {
    let maps = try #require(output.payload.layerMaps)
    return (maps, maps.items.flatMap(\.map.values))
  }
}

@Suite("Transformers: token-map Grad-CAM and attention methods against PyTorch", .serialized)
struct TransformerMethodTests {
  @Test("the fixture file lists both tiny transformers")
  func fixturesLoad() {
    #expect(ViTFixtures.cases.map(\.model) == ["vit_tiny_random", "deit_distilled_random"])
  }

  @Test("Grad-CAM's automatic layer is the last block's norm1, read as a 14 × 14 grid, and matches pytorch-grad-cam", arguments: ViTFixtures.cases)
  func gradCAMOnTokens(_ model: ViTFixtures.Model) throws {
    let context = try ViTFixtures.context(model)
    let output = try GradCAM().run(context)
    let (maps, ours) = try ViTFixtures.maps(output)
    #expect(maps.layer == model.norm1)
    #expect(maps.layerShape == [64] + model.grid)
    #expect(maps.items.map(\.target.index) == model.classes)
    let reference = try ViTFixtures.array("\(model.model)/gradcam_norm1.npy")  // [2, 14, 14]
    let agreement = Agreement(ours, reference.values, images: 2)
    print("[vit] \(model.model) grad-cam at \(model.norm1): \(agreement)")
    #expect(agreement.correlation >= 0.999)
    #expect(agreement.relativeError <= 1e-3)
    let tokens = try #require(output.conventions.first { $0.key == "tokens" }?.value)
    let dropped = model.prefix == 1 ? "class token dropped" : "class and distillation tokens dropped"
    #expect(tokens == "\(196 + model.prefix) tokens → \(dropped), 14 × 14 grid")
    #expect(output.conventions.first { $0.key == "layer" }?.value.contains("ViT rule") == true)
  }

  @Test("a token layer set by hand reads the same as the inferred one", arguments: ViTFixtures.cases.prefix(1))
  func explicitTokens(_ model: ViTFixtures.Model) throws {
    let context = try ViTFixtures.context(model)
    let inferred = try ViTFixtures.maps(try GradCAM().run(context)).1
    let explicit = try MethodRegistry.make("grad-cam", settings: [
      "layer": .string(model.norm1), "tokens": .mapping(["prefix": .int(model.prefix), "grid": .list([.int(14), .int(14)])]),
    ])
    #expect(try ViTFixtures.maps(try explicit.run(context)).1 == inferred)
  }

  @Test("attention rollout (heads mean; heads max with discard 0.5) matches the formula computed in NumPy", arguments: ViTFixtures.cases)
  func rollout(_ model: ViTFixtures.Model) throws {
    let context = try ViTFixtures.context(model)
    for (settings, file) in [([String: SettingValue](), "rollout_mean"), (["heads": .string("max"), "discard": .double(0.5)], "rollout_max_discard")] {
      let output = try MethodRegistry.make("attention-rollout", settings: settings).run(context)
      let (maps, ours) = try ViTFixtures.maps(output)
      #expect(maps.layerShape == [1] + model.grid)
      let reference = try ViTFixtures.array("\(model.model)/\(file).npy")  // [2, 196]
      let agreement = Agreement(ours, reference.values, images: 2)
      print("[vit] \(model.model) \(file): \(agreement)")
      #expect(agreement.correlation >= 0.9999)
      #expect(agreement.relativeError <= 1e-3)
      #expect(output.conventions.first { $0.key == "attention" }?.value.contains(model.attention[0]) == true)
    }
  }

  @Test("attention-gradient (Chefer 2021) matches the formula on PyTorch's attention gradients", arguments: ViTFixtures.cases)
  func attentionGradient(_ model: ViTFixtures.Model) throws {
    let context = try ViTFixtures.context(model)
    let (maps, ours) = try ViTFixtures.maps(try AttentionGradient().run(context))
    #expect(maps.items.map(\.target.index) == model.classes)
    let reference = try ViTFixtures.array("\(model.model)/attention_gradient.npy")
    let agreement = Agreement(ours, reference.values, images: 2)
    print("[vit] \(model.model) attention-gradient: \(agreement)")
    #expect(agreement.correlation >= 0.9999)
    #expect(agreement.relativeError <= 1e-3)
  }

  @Test("the graph reading finds every block's attention and the patch grid", arguments: ViTFixtures.cases)
  func graphReading(_ model: ViTFixtures.Model) throws {
    let context = try ViTFixtures.context(model)
    let graph = try TransformerGraph(context.network, inputShape: [1, 3, 224, 224])
    #expect(graph.attention == model.attention)
    #expect(graph.patchGrid == model.grid)
    #expect(try graph.automaticLayer().name == model.norm1)
  }

  @Test("activations and channel masking read a token layer as maps")
  func behaviourOnTokens() throws {
    let model = try #require(ViTFixtures.cases.first)
    let context = try ViTFixtures.context(model)
    let activations = try MethodRegistry.make("activations", settings: ["top": .int(4)]).run(context)
    #expect(activations.conventions.first { $0.key == "tokens" }?.value == "197 tokens → class token dropped, 14 × 14 grid")
    let masking = try MethodRegistry.make("channel-masking", settings: ["top": .int(2), "batch": .int(32)])
      .run(MethodContext(network: context.network, images: context.images.item(0)))
    #expect(masking.conventions.first { $0.key == "layer" }?.value.hasPrefix(model.norm1) == true)
  }
}

/// The two fixture images and their mirror images, as a dataset.
struct FixtureDataset: DatasetSource {
  let images: Tensor  // [2, 3, H, W]
  var count: Int { 4 }
  func image(at index: Int) throws -> Tensor {
    let item = images.item(index % 2)
    guard index >= 2 else { return Tensor(shape: Array(item.shape.dropFirst()), values: item.values) }
    let (c, h, w) = (item.shape[1], item.shape[2], item.shape[3])
    var values = item.values
    for channel in 0..<c { for y in 0..<h { for x in 0..<w { values[(channel * h + y) * w + x] = item.values[(channel * h + y) * w + (w - 1 - x)] } } }
    return Tensor(shape: [c, h, w], values: values)
  }
  func label(at index: Int) -> Int? { index % 2 }
  func className(for index: Int) -> String { ["cat", "coffee"][index] }
}

@Suite("Transformers: dataset methods on token layers")
struct TransformerDatasetMethodTests {
  @Test("max-patches crops each peak token's own patch; neighbours take the pre-logits features")
  func maxPatchesAndNeighbours() throws {
    let model = try #require(ViTFixtures.cases.first)
    var context = try ViTFixtures.context(model)
    context.dataset = FixtureDataset(images: context.images)
    let patches = try MethodRegistry.make("max-patches", settings: ["k": .int(2), "top-channels": .int(2)]).run(context)
    let grid = try #require(patches.payload.imageGrid)
    #expect(grid.cells.count == 4)
    #expect(grid.cells.allSatisfy { Array($0.image.shape.suffix(2)) == [16, 16] })
    #expect(patches.conventions.first { $0.key == "receptive field" }?.value.hasPrefix("the token's own 16×16 px patch") == true)
    #expect(patches.conventions.first { $0.key == "tokens" }?.value == "197 tokens → class token dropped, 14 × 14 grid")
    let neighbours = try MethodRegistry.make("neighbours", settings: ["k": .int(2)]).run(MethodContext(network: context.network, images: context.images.item(0), dataset: context.dataset))
    let layer = try #require(neighbours.conventions.first { $0.key == "layer" }?.value)
    #expect(layer.hasSuffix("[64]"), "\(layer)")
  }
}

@Suite("Token layouts and attention: clear errors")
struct TokenLayoutErrorTests {
  func message(_ body: () throws -> Void) -> String {
    do { try body() } catch { return "\(error)" }
    return ""
  }

  @Test("a token count that is not a prefix plus a square grid, with no tokens setting, says what to set")
  func notSquare() {
    let text = message { _ = try FeatureGrid.resolve("blocks.3", shape: [1, 75, 8], tokens: nil, patchGrid: nil, channelsLast: false) }
    #expect(text.contains("'blocks.3' has 75 tokens") && text.contains("tokens: {prefix: P, grid: [h, w]}"))
    let set = message { _ = try FeatureGrid.resolve("blocks.3", shape: [1, 75, 8], tokens: TokenLayout(prefix: 3, grid: [8, 9]), patchGrid: nil, channelsLast: false) }
    #expect(set.isEmpty)
  }

  @Test("tokens of a merged stage read on the patch grid halved: a non-square input's Swin stage")
  func mergedStageGrid() throws {
    // Swin at 224 × 320: patch grid 56 × 80; the last stage holds 7 × 10 = 70 tokens, no prefix.
    let last = try FeatureGrid.resolve("layers.3", shape: [1, 70, 8], tokens: nil, patchGrid: [56, 80], channelsLast: false)
    #expect(last.prefix == 0)
    #expect([last.height, last.width] == [7, 10] as [Int])
    let third = try FeatureGrid.resolve("layers.2", shape: [1, 280, 8], tokens: nil, patchGrid: [56, 80], channelsLast: false)
    #expect([third.height, third.width] == [14, 20] as [Int])
    // A ViT's own grid still wins: 197 tokens on 14 × 14 patches are a class token and the grid.
    let vit = try FeatureGrid.resolve("blocks.2", shape: [1, 197, 8], tokens: nil, patchGrid: [14, 14], channelsLast: false)
    #expect(vit.prefix == 1)
    #expect([vit.height, vit.width] == [14, 14] as [Int])
    // Without the patch grid the square fallback would read 70 tokens as 6 prefix tokens and 8 × 8.
    let guessed = try FeatureGrid.resolve("layers.3", shape: [1, 70, 8], tokens: nil, patchGrid: nil, channelsLast: false)
    #expect(guessed.prefix == 6)
  }

  @Test("the tokens setting parses a mapping and refuses unknown keys and bad grids")
  func tokensSetting() throws {
    let parsed = try TokenLayout(setting: .mapping(["prefix": .int(2), "grid": .list([.int(7), .int(7)])]))
    #expect(parsed == TokenLayout(prefix: 2, grid: [7, 7]))
    #expect(try TokenLayout(setting: .string("channels-last")).arrangement == .channelsLast)
    #expect(message { _ = try TokenLayout(setting: .mapping(["prefx": .int(1)])) } == "tokens: unknown key 'prefx'; did you mean 'prefix'? (keys: prefix, grid, layout)")
    #expect(message { _ = try TokenLayout(setting: .mapping(["grid": .list([.int(14)])])) }.contains("grid must be two positive sizes"))
  }

  @Test("attention rollout on a network without attention names what it needs")
  func rolloutWithoutAttention() throws {
    let network = try TinyNetworks.gapClassifier()
    for method in ["attention-rollout", "attention-gradient"] {
      let text = message { _ = try MethodRegistry.make(method).run(MethodContext(network: network, images: TinyNetworks.image(size: 4))) }
      #expect(text.hasPrefix("\(method) needs a transformer's attention") && text.contains("has none"))
    }
  }

  @Test("maps and back: a token tensor survives the round trip with its prefix tokens")
  func roundTrip() throws {
    let grid = try FeatureGrid.resolve("t", shape: [2, 6, 3], tokens: TokenLayout(prefix: 2), patchGrid: nil, channelsLast: false)
    #expect(grid.height == 2 && grid.width == 2 && grid.channels == 3)
    let tensor = Tensor(shape: [2, 6, 3], values: (0..<36).map(Float.init))
    let maps = grid.maps(tensor)  // [2, 3, 2, 2]
    #expect(maps.shape == [2, 3, 2, 2])
    #expect(maps.values[1 * 4 + 0] == tensor.values[2 * 3 + 1])  // item 0, channel 1, position 0 = token 2
    #expect(grid.layerTensor(maps, prefixFrom: tensor).values == tensor.values)
    let last = try FeatureGrid.resolve("c", shape: [1, 2, 3, 4], tokens: nil, patchGrid: nil, channelsLast: true)
    #expect(last.arrangement == .channelsLast && last.channels == 4 && last.height == 2 && last.width == 3)
  }
}
