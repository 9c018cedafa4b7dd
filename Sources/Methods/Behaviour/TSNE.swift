import Engine
import Foundation

/// t-SNE map of a dataset's features at a layer (default: the global-pool output): Barnes-Hut
/// (`TSNEEmbedding`), seeded, with the trustworthiness (k = 5) of the result.
public struct TSNE: VisualizationMethod {
  public static let name = "tsne"
  public static let summary = "Barnes-Hut t-SNE of a dataset's features at a layer, coloured by label (van der Maaten 2014)."
  public var layer: LayerChoice = .auto
  public var embedding = TSNEEmbedding()
  public var batch = 16

  public static let settings: [Setting<TSNE>] = [
    Setting("layer", \.layer, "auto (the global-pool output) or a tensor name"),
    Setting("perplexity", \.embedding.perplexity, "effective number of neighbours", .positive),
    Setting("theta", \.embedding.theta, "Barnes-Hut accuracy θ", .atLeast(0)),
    Setting("iterations", \.embedding.iterations, "gradient steps", .atLeast(0)),
    Setting("exaggeration", \.embedding.exaggeration, "early exaggeration, for the first 250 steps", .positive),
    Setting("learning-rate", \.embedding.learningRate, "auto (max(n / 12 / 4, 50), sklearn's) or a number", default: "auto"),
    Setting("batch", \.batch, "dataset images per forward pass", .atLeast(1)),
  ]

  public init() {}

  public func run(_ context: MethodContext) throws -> MethodOutput {
    let dataset = try context.requireDataset(Self.name)
    guard dataset.count >= 4 else { throw MethodError("tsne needs at least 4 dataset images, got \(dataset.count)") }
    let name = try BehaviourLayers.resolve(layer, in: context.network) { try BehaviourLayers.globalPoolOutput(context.network) }
    let features = try DatasetFeatureCache.shared.features(dataset, layer: name, network: context.network, batch: batch,
                                                           progress: context.progress)
    var settings = embedding
    settings.seed = context.seed
    let result = settings.run(features.values, count: features.count, dimension: features.dimension) {
      context.progress("t-SNE iterations", $0, $1)
    }
    let labels = (0..<dataset.count).map { dataset.label(at: $0) }
    let largest = labels.compactMap { $0 }.max() ?? -1
    let classNames = (0...max(largest, 0)).map { dataset.className(for: $0) }
    let points = Tensor(shape: [features.count, 2], values: result.positions.map { Float($0) })
    let n = features.count
    return MethodOutput(.embedding(Embedding(points: points, labels: labels, classNames: largest >= 0 ? classNames : [])), conventions: [
      Convention("method", "Barnes-Hut t-SNE (van der Maaten 2014)"), Convention("layer", "\(name) \(features.itemShape)"),
      Convention("points", String(n)),
      Convention("perplexity", BehaviourMath.format(Float(settings.effectivePerplexity(count: n)), digits: 1)),
      Convention("theta", String(settings.theta)),
      Convention("iterations", "\(settings.iterations), early exaggeration \(settings.exaggeration) for \(min(settings.exaggerationSteps, settings.iterations))"),
      Convention("learning rate", settings.learningRate == nil
        ? "auto = max(n / \(settings.exaggeration) / 4, 50) = \(BehaviourMath.format(Float(settings.learningRate(count: n)), digits: 1)) (sklearn)"
        : String(settings.learningRate(count: n))),
      Convention("init", "PCA (power iteration), first component scaled to std 1e-4"),
      Convention("seed", String(context.seed)),
      Convention("trustworthiness", String(format: "%.4f (k = 5, Venna & Kaski)", result.trustworthiness)),
    ])
  }
}

extension TSNEEmbedding {
  /// Distances, embedding and trustworthiness (k = 5) of `features` [n, d].
  public func run(_ features: [Float], count n: Int, dimension d: Int,
                  progress: (Int, Int) -> Void = { _, _ in }) -> (positions: [Double], trustworthiness: Double) {
    let distances = PairwiseDistances.squared(features, count: n, dimension: d)
    let positions = embed(features: features, distances: distances, count: n, dimension: d, progress: progress)
    return (positions, Trustworthiness.score(inputDistances: distances, embedding: positions, count: n, k: 5))
  }
}
