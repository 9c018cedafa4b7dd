import Engine
import Foundation

/// t-SNE map of a dataset's features at a layer (default: the global-pool output): Barnes-Hut
/// (`TSNEEmbedding`), seeded, with the trustworthiness (k = 5) of the result.
public struct TSNE: VisualizationMethod {
  public static let name = "tsne"
  public static let summary = "Barnes-Hut t-SNE of a dataset's features at a layer, coloured by label (van der Maaten 2014)."
  public static let settingsHelp: [(String, String)] = [
    ("layer", "auto (the global-pool output) or a tensor name"),
    ("perplexity", "effective number of neighbours (default 30)"),
    ("theta", "Barnes-Hut accuracy θ (default 0.5)"),
    ("iterations", "gradient steps (default 1000)"),
    ("exaggeration", "early exaggeration (default 12, for the first 250 steps)"),
    ("learning-rate", "auto (max(n / 12 / 4, 50), sklearn's) or a number"),
    ("batch", "dataset images per forward pass (default 16)"),
  ]
  public var layer: LayerChoice = .auto
  public var embedding = TSNEEmbedding()
  public var batch = 16

  public init() {}
  public init(from decoder: Decoder) throws {
    let settings = try SettingsReader(decoder, method: Self.name, known: Self.settingNames)
    layer = try settings.value("layer", default: layer)
    embedding.perplexity = try settings.value("perplexity", default: embedding.perplexity)
    embedding.theta = try settings.value("theta", default: embedding.theta)
    embedding.iterations = try settings.value("iterations", default: embedding.iterations)
    embedding.exaggeration = try settings.value("exaggeration", default: embedding.exaggeration)
    let rate = try settings.value("learning-rate", default: SettingNumberOrAuto.auto)
    if case .number(let value) = rate { embedding.learningRate = value }
    batch = try settings.value("batch", default: batch)
    guard embedding.perplexity > 0, embedding.theta >= 0, embedding.iterations >= 0, embedding.exaggeration > 0, batch >= 1 else {
      throw MethodError("tsne: perplexity and exaggeration must be positive, theta and iterations at least 0, batch at least 1")
    }
  }

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

/// A numeric setting that may also be "auto".
enum SettingNumberOrAuto: Decodable, Sendable, CustomStringConvertible {
  case auto
  case number(Double)
  init(from decoder: Decoder) throws {
    let container = try decoder.singleValueContainer()
    if let value = try? container.decode(Double.self) {
      self = .number(value)
    } else if try container.decode(String.self).lowercased() == "auto" {
      self = .auto
    } else {
      throw MethodError("expected a number or 'auto'")
    }
  }
  var description: String {
    switch self {
    case .auto: return "auto"
    case .number(let value): return String(value)
    }
  }
}
