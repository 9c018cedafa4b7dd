import Engine
import Foundation
@testable import Methods
import Testing

@Suite("Faithfulness metrics: deletion / insertion AUC, Average Drop, Increase in Confidence")
struct FaithfulnessTests {
  static let size = 6
  /// Per-pixel weights a_p of the linear score y₀ = Σ_p a_p x_p (y₁ = 0).
  static let weights: [Float] = (0..<36).map { Float(sin(Double($0) * 1.7)) }

  /// input [N, 1, 6, 6] → flatten → Gemm with B = [a; 0]: p(class 0) = sigmoid(a · x), so the true
  /// attribution of pixel p (from a baseline b) is a_p (x_p − b_p).
  static func linearNetwork() throws -> Network {
    try Network(nodes: [
      Node(name: "flatten", op: Reshape(.flatten(axis: 1)), inputs: ["input"], outputs: ["flat"]),
      Node(name: "fc", op: Gemm(transB: true), inputs: ["flat", "fc.weight"], outputs: ["logits"]),
    ], inputName: "input", outputNames: ["logits"],
    constants: ["fc.weight": Tensor(shape: [2, 36], values: weights + [Float](repeating: 0, count: 36))])
  }

  static let image: [Float] = (0..<36).map { Float(cos(Double($0) * 0.9)) * 0.8 }

  /// A fixed shuffle of the pixel values (a "random" map), seeded.
  static func shuffled(_ map: [Float]) -> [Float] {
    var generator = SeededRandom(seed: 11)
    return map.shuffled(using: &generator)
  }

  @Test("AUC is RISE's trapezoid over x = 0 … 1")
  func aucByHand() {
    #expect(abs(Faithfulness.auc([1, 0.5, 0]) - 0.5) < 1e-12)
    #expect(abs(Faithfulness.auc([0, 1]) - 0.5) < 1e-12)
    #expect(abs(Faithfulness.auc([1, 1, 1, 1]) - 1) < 1e-12)
    #expect(abs(Faithfulness.auc([0, 1, 0, 1, 0]) - 0.5) < 1e-12)
  }

  @Test("deletion by the true attribution a·x has the lowest AUC; insertion by a·(x − blur) the highest")
  func trueOrderWins() throws {
    let network = try Self.linearNetwork()
    let (image, shape) = (Self.image, [1, Self.size, Self.size])
    let attribution = zip(Self.weights, image).map { $0 * $1 }
    func deletion(_ map: [Float]) throws -> [Float] {
      try Faithfulness.curve(network, start: image, end: [Float](repeating: 0, count: 36), map: map, imageShape: shape,
                             classIndex: 0, steps: 12, batch: 5)
    }
    let truth = try deletion(attribution)
    let reversed = try deletion(attribution.map { -$0 })
    let random = try deletion(Self.shuffled(attribution))
    // Endpoints: the image itself, then the all-baseline image (y = 0, p = 0.5).
    let y = zip(Self.weights, image).reduce(Float(0)) { $0 + $1.0 * $1.1 }
    #expect(truth.count == 13 && abs(truth[0] - 1 / (1 + exp(-y))) < 1e-5 && abs(truth[12] - 0.5) < 1e-5)
    // Removing the largest contributions first makes y as small as possible after every step.
    for step in 0...12 { #expect(truth[step] <= reversed[step] + 1e-6 && truth[step] <= random[step] + 1e-6) }
    #expect(Faithfulness.auc(truth) < Faithfulness.auc(random) - 0.01)
    #expect(Faithfulness.auc(random) < Faithfulness.auc(reversed))

    let blurred = Faithfulness.blur(image, channels: 1, height: Self.size, width: Self.size, sigma: 5)
    func insertion(_ map: [Float]) throws -> [Float] {
      try Faithfulness.curve(network, start: blurred, end: image, map: map, imageShape: shape, classIndex: 0, steps: 12, batch: 16)
    }
    let insertedTruth = zip(Self.weights, zip(image, blurred)).map { $0 * ($1.0 - $1.1) }
    let best = try insertion(insertedTruth), worst = try insertion(insertedTruth.map { -$0 })
    let randomInsertion = try insertion(Self.shuffled(insertedTruth))
    #expect(Faithfulness.auc(best) > Faithfulness.auc(randomInsertion) + 0.01)
    #expect(Faithfulness.auc(randomInsertion) > Faithfulness.auc(worst))
  }

  @Test("deletion-insertion over integrated gradients (exact a·x on a linear model) gives the true-order curve")
  func registryRun() throws {
    let network = try Self.linearNetwork()
    let method = try MethodRegistry.make("deletion-insertion", settings: [
      "method": .string("integrated-gradients"), "steps": .int(12), "batch": .int(4), "method.steps": .int(8),
    ])
    let context = MethodContext(network: network, images: Tensor(shape: [1, 1, Self.size, Self.size], values: Self.image),
                                targets: [.index(0)])
    let output = try method.run(context)
    let evaluation = try #require(output.payload.evaluation, "no evaluation")
    let item = try #require(evaluation.items.first)
    let curve = try #require(item.curve)
    #expect(evaluation.method == "integrated-gradients" && item.target.index == 0)
    let truth = try Faithfulness.curve(network, start: Self.image, end: [Float](repeating: 0, count: 36),
                                       map: zip(Self.weights, Self.image).map { $0 * $1 }, imageShape: [1, Self.size, Self.size],
                                       classIndex: 0, steps: 12, batch: 16)
    let deletion = curve.series[0].y
    for (a, b) in zip(deletion, truth) { #expect(abs(a - b) < 1e-5) }
    let auc = item.measurements.first { $0.name == "deletion AUC" }?.value ?? -1
    #expect(abs(auc - Faithfulness.auc(truth)) < 1e-9)
    #expect(output.convention("map method") == "integrated-gradients")
  }

  @Test("Average Drop: 0 for an all-ones map, by hand for others; Increase in Confidence counts O > Y")
  func averageDropByHand() throws {
    #expect(Faithfulness.explanationImage(Self.image, map: [Float](repeating: 1, count: 36), channels: 1) == Self.image)
    let zeroDrop = Faithfulness.averageDrop(original: [0.7, 0.2], explained: [0.7, 0.2])
    #expect(zeroDrop.drop == 0 && zeroDrop.increase == 0)
    let mixed = Faithfulness.averageDrop(original: [0.8, 0.5], explained: [0.4, 0.6])
    #expect(abs(mixed.drop - 25) < 1e-5 && abs(mixed.increase - 50) < 1e-9)  // (0.5 + 0) / 2, one of two rises
    // M = max(map, 0) / max(map).
    #expect(Faithfulness.explanationImage([2, 2, 2, 2], map: [4, 2, -1, 0], channels: 1) == [2, 1, 0, 0])
  }

  @Test("average-drop over grad-cam recomputes O from image ⊙ map")
  func averageDropRun() throws {
    let network = try TinyNetworks.gapClassifier()
    let image = TinyNetworks.image(size: 4)
    let context = MethodContext(network: network, images: image, classNames: ["cat", "dog"], targets: [.index(0), .index(1)])
    let output = try AverageDrop.make(settings: ["method": .string("grad-cam"), "batch": .int(1)]).run(context)
    let evaluation = try #require(output.payload.evaluation, "no evaluation")
    let layerMaps = try #require(try GradCAM().run(context).payload.layerMaps)
    #expect(evaluation.items.count == 2 && layerMaps.items.count == 2)
    var drops: [Double] = []
    for (item, mapItem) in zip(evaluation.items, layerMaps.items) {
      let explained = Faithfulness.explanationImage(image.values, map: mapItem.map.values, channels: 1)
      let scores = try ScoreGradients.scores(network, Tensor(shape: image.shape, values: explained)).values
      let o = softmax(scores)[item.target.index]
      #expect(abs((item.measurements.first { $0.name == "O (image ⊙ map)" }?.value ?? -1) - Double(o)) < 1e-5)
      let y = mapItem.target.probability
      drops.append(100 * Double(max(0, y - o) / y))
    }
    let average = evaluation.summary.first { $0.name == "Average Drop %" }?.value ?? -1
    #expect(abs(average - drops.reduce(0, +) / 2) < 1e-3)
  }

  @Test("settings: passed on to the judged method, method.KEY for shared names, clear errors")
  func settings() throws {
    let method = try MethodRegistry.make("deletion-insertion", settings: [
      "method": .string("occlusion"), "window": .int(2), "method.batch": .int(3), "batch": .int(7),
    ])
    let evaluation = try #require(method as? DeletionInsertion)
    let occlusion = try #require(evaluation.judged.method as? Occlusion)
    #expect(occlusion.window == 2 && occlusion.batch == 3 && evaluation.batch == 7 && evaluation.steps == 20)
    #expect(DeletionInsertion.settingNames.contains("layer") && DeletionInsertion.settingNames.contains("method.batch"))
    #expect(throws: MethodError.self) { try MethodRegistry.make("average-drop", settings: ["method": .string("grad-cam"), "windw": .int(3)]) }
    do {
      _ = try MethodRegistry.make("deletion-insertion", settings: ["stepz": .int(3)])
      Issue.record("accepted 'stepz'")
    } catch let error as MethodError {
      #expect(error.description.contains("'steps'"))
    }
    #expect(throws: MethodError.self) { try MethodRegistry.make("sanity-check", settings: ["method": .string("average-drop")]) }
    #expect(throws: MethodError.self) { try MethodRegistry.make("deletion-insertion", settings: ["baseline": .string("grey")]) }
    #expect(throws: MethodError.self) { try MethodRegistry.make("deletion-insertion", settings: ["method": .string("grad-camm")]) }
    // A method that makes no map is refused when it runs.
    let filters = try MethodRegistry.make("average-drop", settings: ["method": .string("filters")])
    let context = MethodContext(network: try TinyNetworks.gapClassifier(), images: TinyNetworks.image(size: 4))
    #expect(throws: MethodError.self) { try filters.run(context) }
  }
}
