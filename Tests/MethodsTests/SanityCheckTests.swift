import Engine
import Foundation
@testable import Methods
import Testing

@Suite("Sanity check (Adebayo et al.): weight randomisation and rank correlation")
struct SanityCheckTests {
  /// input [N, 1, 8, 8] → 3×3 conv (4 ch, pad 1) → Relu → 3×3 conv (4 ch, pad 1) → Relu → flatten →
  /// Gemm [3, 256] + bias: the score depends on where things are, so the saliency map has structure.
  static func network() throws -> Network {
    func weights(_ shape: [Int], _ salt: Double) -> Tensor {
      Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { Float(sin(Double($0) * 0.77 + salt)) * 0.5 })
    }
    let padOne = Conv.Padding.explicit(begin: [1, 1], end: [1, 1])
    return try Network(nodes: [
      Node(name: "conv1", op: try Conv(weights: weights([4, 1, 3, 3], 0.1), bias: [0.1, -0.1, 0.05, 0], padding: padOne),
           inputs: ["input"], outputs: ["c1"]),
      Node(name: "relu1", op: Relu(), inputs: ["c1"], outputs: ["r1"]),
      Node(name: "conv2", op: try Conv(weights: weights([4, 4, 3, 3], 0.7), bias: [0, 0.1, 0, -0.1], padding: padOne),
           inputs: ["r1"], outputs: ["c2"]),
      Node(name: "relu2", op: Relu(), inputs: ["c2"], outputs: ["r2"]),
      Node(name: "flatten", op: Reshape(.flatten(axis: 1)), inputs: ["r2"], outputs: ["flat"]),
      Node(name: "fc", op: Gemm(transB: true), inputs: ["flat", "fc.weight", "fc.bias"], outputs: ["logits"]),
    ], inputName: "input", outputNames: ["logits"],
    constants: ["fc.weight": weights([3, 256], 1.3), "fc.bias": Tensor(shape: [3], values: [0.2, 0, -0.2])])
  }

  static let image = Tensor(shape: [1, 1, 8, 8], values: (0..<64).map { Float(cos(Double($0) * 0.45)) })

  @Test("Spearman: 1 for identical maps, −1 for a reversed ranking, ties get average ranks; SSIM of a map with itself is 1")
  func rankCorrelation() {
    let map: [Float] = [0.3, 2, -1, 5, 4.5, 0]
    #expect(abs(MapComparison.spearman(map, map) - 1) < 1e-12)
    #expect(abs(MapComparison.spearman(map, map.map { -$0 }) + 1) < 1e-12)
    #expect(abs(MapComparison.spearman(map, map.map { $0 * 3 + 7 }) - 1) < 1e-12)  // monotone: same ranks
    #expect(MapComparison.ranks([1, 2, 2, 3]) == [1, 2.5, 2.5, 4])
    // By hand: ranks [1, 2.5, 2.5, 4] against [4, 3, 2, 1] → Pearson −0.9486833 (scipy.stats.spearmanr).
    #expect(abs(MapComparison.spearman([1, 2, 2, 3], [4, 3, 2, 1]) + 0.9486832980505138) < 1e-9)
    let square = (0..<64).map { Float(sin(Double($0))) }
    #expect(abs(MapComparison.ssim(square, square, height: 8, width: 8) - 1) < 1e-9)
    #expect(MapComparison.ssim(square, square.map { -$0 }, height: 8, width: 8) < 0.5)
  }

  @Test("a randomised copy has new weights of the same shapes, leaves the other layers and the original alone, and repeats with its seed")
  func randomisedNetwork() throws {
    let network = try Self.network()
    #expect(network.parameterisedLayers.map(\.name) == ["conv1", "conv2", "fc"])
    let before = try network.forward(Self.image).output().values
    let randomised = try network.randomisingWeights(of: ["conv2", "fc"], seed: 5)
    let again = try network.randomisingWeights(of: ["conv2", "fc"], seed: 5)
    let other = try network.randomisingWeights(of: ["conv2", "fc"], seed: 6)
    func conv(_ net: Network, _ name: String) -> Conv? { net.nodes.first { $0.name == name }?.op as? Conv }
    let (old2, new2) = (try #require(conv(network, "conv2")), try #require(conv(randomised, "conv2")))
    #expect(new2.weights.shape == old2.weights.shape && new2.bias?.count == 4)
    #expect(new2.weights.values != old2.weights.values)
    #expect(conv(randomised, "conv1") === conv(network, "conv1"))  // untouched layers are shared
    #expect(randomised.constants["fc.weight"]?.shape == [3, 256] && randomised.constants["fc.bias"]?.shape == [3])
    #expect(randomised.constants["fc.weight"] != network.constants["fc.weight"])
    #expect(again.constants["fc.weight"] == randomised.constants["fc.weight"])
    #expect(conv(again, "conv2")?.weights == new2.weights)
    #expect(other.constants["fc.weight"] != randomised.constants["fc.weight"])
    // σ of the new weights is close to the layer's own (truncated at 2σ: σ ≈ 0.88 of it).
    func std(_ values: [Float]) -> Double {
      let mean = values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
      return (values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(values.count)).squareRoot()
    }
    let ratio = std(randomised.constants["fc.weight"]?.values ?? []) / std(network.constants["fc.weight"]?.values ?? [])
    #expect(ratio > 0.75 && ratio < 1.0)
    // The copy runs its own primitives: its output is that of a network built fresh from its weights,
    // and the original still gives what it gave.
    let rebuilt = try Network(nodes: randomised.nodes.map { node in
      guard let op = node.op as? Conv else { return node }
      return Node(name: node.name, op: try Conv(weights: op.weights, bias: op.bias, padding: op.padding), inputs: node.inputs, outputs: node.outputs)
    }, inputName: "input", outputNames: ["logits"], constants: randomised.constants)
    let randomOutput = try randomised.forward(Self.image).output().values
    for (a, b) in zip(randomOutput, try rebuilt.forward(Self.image).output().values) { #expect(abs(a - b) < 1e-5) }
    #expect(zip(randomOutput, before).contains { abs($0 - $1) > 1e-3 })
    #expect(try network.forward(Self.image).output().values == before)
    #expect(throws: EngineError.self) { try network.randomisingWeights(of: ["relu1"], seed: 1) }
  }

  @Test("cascading randomisation: the saliency map decorrelates, step by step, and repeats with its seed")
  func cascade() throws {
    let network = try Self.network()
    let context = MethodContext(network: network, images: Self.image, targets: [.index(1)], seed: 3)
    let check = try MethodRegistry.make("sanity-check", settings: ["method": .string("saliency")])
    let evaluation = try #require(try check.run(context).payload.evaluation, "no evaluation")
    let item = try #require(evaluation.items.first)
    #expect(item.target.index == 1)
    #expect(item.panels.map(\.label) == ["original", "+ fc", "+ conv2", "+ conv1"])
    let correlations = item.panels.dropFirst().map { $0.measurements.first { $0.name == "spearman" }?.value ?? 2 }
    #expect(correlations.allSatisfy { $0 < 0.9 })
    #expect(abs(correlations.last ?? 1) < 0.5, "all layers randomised: \(correlations)")
    #expect(item.panels.allSatisfy { $0.map.shape == [8, 8] })
    // The same seed gives the same maps and numbers; another seed other ones.
    let repeated = try #require(try check.run(context).payload.evaluation)
    #expect(repeated.items[0].panels.map(\.map) == item.panels.map(\.map))
    let reseeded = try MethodRegistry.make("sanity-check", settings: ["method": .string("saliency"), "seed": .int(99)])
    let other = try #require(try reseeded.run(context).payload.evaluation)
    #expect(other.items[0].panels.last?.map != item.panels.last?.map)
    #expect(other.items[0].panels.first?.map == item.panels.first?.map)
  }

  @Test("layers: a count takes the top ones, names are checked")
  func layerSelection() throws {
    let network = try Self.network()
    let context = MethodContext(network: network, images: Self.image, targets: [.top1])
    let two = try MethodRegistry.make("sanity-check", settings: ["method": .string("grad-cam"), "layers": .int(2), "layer": .string("r1")])
    let evaluation = try #require(try two.run(context).payload.evaluation)
    #expect(evaluation.items[0].panels.map(\.label) == ["original", "+ fc", "+ conv2"])
    let named = try MethodRegistry.make("sanity-check", settings: ["layers": .string("conv1, fc")])
    let picked = try #require(try named.run(context).payload.evaluation)
    #expect(picked.items[0].panels.map(\.label) == ["original", "+ fc", "+ conv1"])
    let wrong = try MethodRegistry.make("sanity-check", settings: ["layers": .string("conv3")])
    #expect(throws: MethodError.self) { try wrong.run(context) }
  }
}
