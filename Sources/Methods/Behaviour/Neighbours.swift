import Engine
import Foundation

/// Nearest neighbours of each query image among a dataset's images, by cosine similarity of their
/// features at a layer (default: the global-pool output), and optionally of the model's input
/// tensors themselves (pixel space: CS231n's contrast, where neighbours share brightness and pose
/// rather than class). Queries are the step's images, or the first `per-class` images of each
/// class of the dataset itself. A query that is itself in the dataset (same input values) is left
/// out of its own list unless `include-query` is set.
public struct NearestNeighbours: VisualizationMethod {
  public static let name = "neighbours"
  public static let summary = "Dataset images closest to each query by cosine similarity of features at a layer (and of pixels)."
  public enum Queries: String, Sendable, CaseIterable, SettingChoice { case images, dataset }
  public var layer: LayerChoice = .auto
  public var k = 5
  public var queries: Queries = .images
  public var perClass = 1
  public var pixels = false
  public var includeQuery = false
  public var batch = 16

  public static let settings: [Setting<NearestNeighbours>] = [
    Setting("layer", \.layer, "auto (the global-pool output) or a tensor name"),
    Setting("k", \.k, "neighbours per query", .atLeast(1)),
    Setting("queries", \.queries, "images (the step's) or dataset: the first per-class images of each dataset class"),
    Setting("per-class", \.perClass, "queries per class with queries: dataset", .atLeast(1)),
    Setting("pixels", \.pixels, "also rank by cosine similarity of the model's input tensors"),
    Setting("include-query", \.includeQuery, "keep a query that is in the dataset in its own list"),
    Setting("batch", \.batch, "dataset images per forward pass", .atLeast(1)),
  ]

  public init() {}

  public func run(_ context: MethodContext) throws -> MethodOutput {
    let dataset = try context.requireDataset(Self.name)
    let queryIndices = queries == .dataset ? Self.firstOfEachClass(dataset, perClass: perClass) : nil
    let images = try queryIndices.map { indices in
      Tensor.batch(try indices.map { index in
        let image = try dataset.image(at: index)  // [3, H, W]
        return Tensor(shape: [1] + image.shape, values: image.values)
      })
    } ?? context.images
    guard images.rank == 4, images.shape[0] >= 1 else { throw MethodError("neighbours: no query images") }
    let count = images.shape[0]
    let name = try BehaviourLayers.resolve(layer, in: context.network) { try BehaviourLayers.globalPoolOutput(context.network) }
    let features = try DatasetFeatureCache.shared.features(dataset, layer: name, network: context.network, batch: batch,
                                                           progress: context.progress)
    let queryFeatures = try context.network.forward(images, mode: .fused, keeping: [name]).tensor(named: name)  // [N, ...]
    guard queryFeatures.count / count == features.dimension else {
      throw MethodError("neighbours: the query features at '\(name)' have \(queryFeatures.count / count) values but the dataset's have "
        + "\(features.dimension); the query images and the dataset must have the same size")
    }
    // Query copies in the dataset (excluded unless include-query): found once, used by both rankings.
    var excluded: [[Int]] = []
    var lists: [[(datasetIndex: Int, score: Float)]] = []
    let rows = (0..<features.count).map(features.row), rowNorms = rows.map(Self.norm)
    for query in 0..<count {
      let scores = Self.cosines(Self.row(queryFeatures.values, query, features.dimension), rows, norms: rowNorms)
      excluded.append(includeQuery ? [] : try Self.copies(of: images.item(query), in: dataset, scores: scores))
      lists.append(Self.best(scores, excluding: excluded[query], k: k))
    }
    var pixelLists: [[(datasetIndex: Int, score: Float)]] = []
    if pixels {
      let pixelDimension = images.count / count
      let database = try (0..<dataset.count).map { index -> ArraySlice<Float> in
        let image = try dataset.image(at: index)
        guard image.count == pixelDimension else {
          throw MethodError("neighbours: dataset image \(index) has \(image.count) values, the queries \(pixelDimension)")
        }
        return image.values[...]
      }
      let databaseNorms = database.map(Self.norm)
      pixelLists = (0..<count).map { query in
        Self.best(Self.cosines(Self.row(images.values, query, pixelDimension), database, norms: databaseNorms),
                  excluding: excluded[query], k: k)
      }
    }
    var conventions = [
      Convention("method", Self.name), Convention("layer", "\(name) \(features.itemShape)"),
      Convention("similarity", "cosine of the flattened features" + (pixels ? "; pixel space: cosine of the flattened model inputs [3, H, W]" : "")),
      Convention("k", String(k)), Convention("dataset", "\(dataset.count) images"),
    ]
    if let queryIndices {
      conventions.append(Convention("queries", "the first \(perClass) dataset image(s) of each class, \(queryIndices.count) in all"))
      // How often a neighbour shares the query's class: the number the two rankings differ in.
      func sameClass(_ lists: [[(datasetIndex: Int, score: Float)]]) -> String {
        let pairs = zip(queryIndices, lists).flatMap { query, matches in matches.map { (dataset.label(at: query), dataset.label(at: $0.datasetIndex)) } }
        return "\(pairs.filter { $0.0 != nil && $0.0 == $0.1 }.count) of \(pairs.count)"
      }
      conventions.append(Convention("same class as the query", "feature space \(sameClass(lists))"
                                    + (pixels ? ", pixel space \(sameClass(pixelLists))" : "")))
    }
    let found = excluded.reduce(0) { $0 + $1.count }
    conventions.append(Convention("query", includeQuery ? "kept when in the dataset" : "excluded from its own list (\(found) found in the dataset)"))
    let matches = { (list: [(datasetIndex: Int, score: Float)]) in try list.map { try Self.match($0.datasetIndex, score: $0.score, in: dataset) } }
    let neighbours = Neighbours(queries: try lists.map(matches), pixelQueries: try pixelLists.map(matches),
                                queryItems: try queryIndices?.map { try Self.match($0, score: 1, in: dataset) })
    return MethodOutput(.neighbours(neighbours), conventions: conventions)
  }

  /// The first `perClass` indices of each class, classes in label order (unlabelled items last).
  static func firstOfEachClass(_ dataset: any DatasetSource, perClass: Int) -> [Int] {
    var byClass: [Int: [Int]] = [:]
    for index in 0..<dataset.count {
      let label = dataset.label(at: index) ?? Int.max
      if byClass[label, default: []].count < perClass { byClass[label, default: []].append(index) }
    }
    return byClass.keys.sorted().flatMap { byClass[$0] ?? [] }
  }

  /// Cosine similarity of `query` with each row: q·r / (|q| |r|) (`norms` = |r|), 0 for zero vectors.
  static func cosines(_ query: ArraySlice<Float>, _ rows: [ArraySlice<Float>], norms: [Float]) -> [Float] {
    let queryNorm = norm(query)
    return zip(rows, norms).map { dot(query, $0) / max(queryNorm * $1, 1e-12) }
  }

  /// The `k` best-scoring indices with their scores, `excluding` some, largest first.
  static func best(_ scores: [Float], excluding: [Int], k: Int) -> [(datasetIndex: Int, score: Float)] {
    var scores = scores
    for index in excluding { scores[index] = -.infinity }
    return BehaviourMath.topIndices(scores, count: min(k, scores.count)).filter { scores[$0] > -.infinity }.map { ($0, scores[$0]) }
  }

  /// Dataset item `index` as a neighbours grid shows it: its class and the picture the model saw.
  static func match(_ index: Int, score: Float, in dataset: any DatasetSource) throws -> Neighbours.Match {
    let label = dataset.label(at: index).map { dataset.className(for: $0) } ?? "#\(index)"
    return Neighbours.Match(datasetIndex: index, score: score, label: label,
                            thumbnail: Thumbnail(try DatasetBatches.displayImage(dataset, at: index)))
  }

  static func row(_ values: [Float], _ index: Int, _ dimension: Int) -> ArraySlice<Float> {
    values[(index * dimension)..<((index + 1) * dimension)]
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
