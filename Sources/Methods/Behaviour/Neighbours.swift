import Engine
import Foundation

/// Nearest neighbours of each query image among a dataset's images, by cosine similarity of their
/// features at a layer (default: the global-pool output). A query that is itself in the dataset
/// (same input values) is left out of its own list unless `include-query` is set.
public struct NearestNeighbours: VisualizationMethod {
  public static let name = "neighbours"
  public static let summary = "Dataset images closest to each query by cosine similarity of features at a layer."
  public static let settingsHelp: [(String, String)] = [
    ("layer", "auto (the global-pool output) or a tensor name"),
    ("k", "neighbours per query (default 5)"),
    ("include-query", "keep a query that is in the dataset in its own list (default false)"),
    ("batch", "dataset images per forward pass (default 16)"),
  ]
  public var layer: LayerChoice = .auto
  public var k = 5
  public var includeQuery = false
  public var batch = 16

  public init() {}
  public init(from decoder: Decoder) throws {
    let settings = try SettingsReader(decoder, method: Self.name, known: Self.settingNames)
    layer = try settings.value("layer", default: layer)
    k = try settings.value("k", default: k)
    includeQuery = try settings.value("include-query", default: includeQuery)
    batch = try settings.value("batch", default: batch)
    guard k >= 1, batch >= 1 else { throw MethodError("neighbours: k and batch must be at least 1") }
  }

  public func run(_ context: MethodContext) throws -> MethodOutput {
    let shape = try context.validatedImageShape()
    let dataset = try context.requireDataset(Self.name)
    let name = try BehaviourLayers.resolve(layer, in: context.network) { try BehaviourLayers.globalPoolOutput(context.network) }
    let features = try DatasetFeatureCache.shared.features(dataset, layer: name, network: context.network, batch: batch,
                                                           progress: context.progress)
    let queries = try context.network.forward(context.images).tensor(named: name)  // [N, ...]
    let dimension = queries.count / shape[0]
    guard dimension == features.dimension else {
      throw MethodError("neighbours: the query features at '\(name)' have \(dimension) values but the dataset's have \(features.dimension); "
        + "the query images and the dataset must have the same size")
    }
    let datasetNorms = (0..<features.count).map { Self.norm(features.row($0)) }
    var lists: [[Neighbours.Match]] = []
    var excluded = 0
    for query in 0..<shape[0] {
      let row = queries.values[query * dimension ..< (query + 1) * dimension]
      let queryNorm = Self.norm(row)
      var scores = (0..<features.count).map { index -> Float in
        Self.dot(row, features.row(index)) / max(queryNorm * datasetNorms[index], 1e-12)
      }
      if !includeQuery {
        for index in try Self.copies(of: context.images.item(query), in: dataset, scores: scores) {
          scores[index] = -.infinity
          excluded += 1
        }
      }
      let best = BehaviourMath.topIndices(scores, count: min(k, features.count)).filter { scores[$0] > -.infinity }
      lists.append(best.map { Neighbours.Match(datasetIndex: $0, score: scores[$0]) })
    }
    return MethodOutput(.neighbours(Neighbours(queries: lists)), conventions: [
      Convention("method", Self.name), Convention("layer", "\(name) \(features.itemShape)"),
      Convention("similarity", "cosine of the flattened features"), Convention("k", String(k)),
      Convention("dataset", "\(dataset.count) images"),
      Convention("query", includeQuery ? "kept when in the dataset" : "excluded from its own list (\(excluded) found in the dataset)"),
    ])
  }

  /// Dataset items equal to the query image (max |difference| < 1e-4), checked only where the
  /// feature similarity is already ≈ 1.
  static func copies(of query: Tensor, in dataset: any DatasetSource, scores: [Float]) throws -> [Int] {
    var found: [Int] = []
    for (index, score) in scores.enumerated() where score > 0.9999 {
      let image = try dataset.image(at: index)
      guard image.count == query.count else { continue }
      var largest: Float = 0
      for position in 0..<image.count { largest = max(largest, abs(image.values[position] - query.values[position])) }
      if largest < 1e-4 { found.append(index) }
    }
    return found
  }

  static func dot(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Float {
    var sum: Float = 0
    var i = a.startIndex, j = b.startIndex
    while i < a.endIndex { sum += a[i] * b[j]; i += 1; j += 1 }
    return sum
  }

  static func norm(_ a: ArraySlice<Float>) -> Float { dot(a, a).squareRoot() }
}
