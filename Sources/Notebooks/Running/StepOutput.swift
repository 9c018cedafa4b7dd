// What a step produced, as plain Codable data: the cache stores it, so a prose edit re-renders
// from disk without touching the model. A faithful copy of `Methods.MethodOutput` (one case per
// payload, converted by one exhaustive switch) plus the notebook's own steps: prediction tables
// and comparisons (one map output per column).
import Engine
import Foundation
import Methods

/// Floats stored as little-endian Float32 bytes (base64 in JSON): compact and exact.
struct FloatData: Codable, Equatable, Sendable {
  var values: [Float]
  init(_ values: [Float]) { self.values = values }
  init(from decoder: Decoder) throws {
    let data = try decoder.singleValueContainer().decode(Data.self)
    guard data.count % 4 == 0 else { throw NotebookError("cached floats have \(data.count) bytes, not a multiple of 4") }
    values = (0..<(data.count / 4)).map { index in
      let bits = (0..<4).reduce(UInt32(0)) { $0 | UInt32(data[data.startIndex + index * 4 + $1]) << (8 * UInt32($1)) }
      return Float(bitPattern: bits)
    }
  }
  func encode(to encoder: Encoder) throws {
    var bytes = [UInt8]()
    bytes.reserveCapacity(values.count * 4)
    for value in values {
      let bits = value.bitPattern
      for shift in 0..<4 { bytes.append(UInt8((bits >> (8 * UInt32(shift))) & 0xff)) }
    }
    var container = encoder.singleValueContainer()
    try container.encode(Data(bytes))
  }
}

/// A tensor as shape + floats.
struct StoredTensor: Codable, Equatable, Sendable {
  var shape: [Int]
  var values: FloatData
  init(_ tensor: Tensor) {
    shape = tensor.shape
    values = FloatData(tensor.values)
  }
}

/// The class a map explains.
struct StoredClass: Codable, Equatable, Sendable {
  var index: Int
  var label: String
  var probability: Float
  var logit: Float
  init(_ info: ClassInfo) {
    (index, label, probability, logit) = (info.index, info.label, info.probability, info.logit)
  }
  init(index: Int, label: String, probability: Float, logit: Float) {
    (self.index, self.label, self.probability, self.logit) = (index, label, probability, logit)
  }
}

/// One map or attribution of one (image, class).
struct StoredMap: Codable, Equatable, Sendable {
  var imageIndex: Int
  var target: StoredClass
  /// Layer maps: [h, w]; pixel attributions: [3, H, W].
  var values: StoredTensor
  var measurements: [String: Double]
}

/// Top classes of one image.
struct ImagePrediction: Codable, Equatable, Sendable {
  var image: String
  var top: [StoredClass]
}

/// A neighbour with the thumbnail of the dataset item (RGB bytes, [h, w, 3]).
struct StoredMatch: Codable, Equatable, Sendable {
  var datasetIndex: Int
  var score: Float
  var label: String
  var thumbnailWidth: Int
  var thumbnailHeight: Int
  var thumbnail: Data
}

indirect enum StoredPayload: Codable, Equatable, Sendable {
  case layerMaps(layer: String, layerShape: [Int], signed: Bool, items: [StoredMap])
  case pixelAttributions(signed: Bool, reduction: String, gradientImage: Bool, items: [StoredMap])
  /// Cells [C, h, w] with values in [0, 1].
  case imageGrid(columns: Int, cells: [StoredTensor], captions: [String])
  /// points [N, 2]
  case embedding(points: StoredTensor, labels: [Int?], classNames: [String])
  /// Per query its neighbours in feature space and (maybe empty) pixel space; `queryItems`: the
  /// queries as dataset items (thumbnail, label, score 1) when they came from the dataset.
  case neighbours(queries: [[StoredMatch]], pixelQueries: [[StoredMatch]], queryItems: [StoredMatch])
  case table(header: [String], rows: [[String]])
  case curve(xLabel: String, yLabel: String, series: [StoredSeries])
  /// Faithfulness numbers and sanity checks of another method's maps.
  case evaluation(StoredEvaluation)
  /// The notebook's `predict` step.
  case predictions([ImagePrediction])
  /// The notebook's `compare` step: one map step's output per column, in order.
  case comparison([StepOutput])
}

struct StoredSeries: Codable, Equatable, Sendable {
  var name: String
  var x: [Float]
  var y: [Float]
}

/// A step's result: payload, conventions (key, value) in caption order, and the image names the
/// batch held (imageIndex i is `imageNames[i]`).
struct StepOutput: Codable, Equatable, Sendable {
  var payload: StoredPayload
  var conventions: [[String]]
  var imageNames: [String]
  /// Problems the step worked around (e.g. unreadable dataset images it skipped), kept with the
  /// cached result so a cached re-render still reports them.
  var warnings: [String]? = nil

  func convention(_ key: String) -> String? { conventions.first { $0.first == key }?.last }
}

extension StepOutput {
  /// The one conversion from `MethodOutput`; `dataset` supplies neighbour thumbnails.
  init(_ output: MethodOutput, imageNames: [String], dataset: (any DatasetSource)?) throws {
    self.imageNames = imageNames
    conventions = output.conventions.map { [$0.key, $0.value] }
    func stored(_ measurements: [Methods.Measurement]) -> [String: Double] {
      Dictionary(measurements.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }
    switch output.payload {
    case .layerMaps(let maps):
      payload = .layerMaps(layer: maps.layer, layerShape: maps.layerShape, signed: maps.signed, items: maps.items.map {
        StoredMap(imageIndex: $0.imageIndex, target: StoredClass($0.target), values: StoredTensor($0.map), measurements: stored($0.measurements))
      })
    case .pixelAttributions(let attributions):
      payload = .pixelAttributions(signed: attributions.signed, reduction: attributions.reduction.rawValue,
                                   gradientImage: attributions.gradientImage, items: attributions.items.map {
        StoredMap(imageIndex: $0.imageIndex, target: StoredClass($0.target), values: StoredTensor($0.values), measurements: stored($0.measurements))
      })
    case .imageGrid(let grid):
      payload = .imageGrid(columns: grid.columns, cells: grid.cells.map { StoredTensor($0.image) }, captions: grid.cells.map(\.caption))
    case .embedding(let embedding):
      payload = .embedding(points: StoredTensor(embedding.points), labels: embedding.labels, classNames: embedding.classNames)
    case .neighbours(let neighbours):
      guard let dataset else { throw NotebookError("the neighbours step needs a dataset (`dataset: NAME`)") }
      func stored(_ match: Neighbours.Match) throws -> StoredMatch {
        // The picture the model saw when the dataset can show it, else the normalised tensor rescaled.
        let thumbnail = shrunk(try (dataset as? DescribedDataset).map { displayBytes(try $0.displayImage(at: match.datasetIndex), scaled: false) }
          ?? displayBytes(try dataset.image(at: match.datasetIndex)))
        let label = dataset.label(at: match.datasetIndex).map { dataset.className(for: $0) } ?? "#\(match.datasetIndex)"
        return StoredMatch(datasetIndex: match.datasetIndex, score: match.score, label: label,
                           thumbnailWidth: thumbnail.width, thumbnailHeight: thumbnail.height, thumbnail: Data(thumbnail.rgb))
      }
      payload = .neighbours(queries: try neighbours.queries.map { try $0.map(stored) },
                            pixelQueries: try neighbours.pixelQueries.map { try $0.map(stored) },
                            queryItems: try (neighbours.queryIndices ?? []).map { try stored(Neighbours.Match(datasetIndex: $0, score: 1)) })
    case .table(let table):
      payload = .table(header: table.header, rows: table.rows)
    case .curve(let curve):
      payload = .curve(xLabel: curve.xLabel, yLabel: curve.yLabel,
                       series: curve.series.map { StoredSeries(name: $0.name, x: $0.x, y: $0.y) })
    case .evaluation(let evaluation):
      payload = .evaluation(StoredEvaluation(evaluation))
    }
  }
}

/// Thumbnails stored with neighbours are at most `side` pixels a side: box-averaged by the smallest
/// whole factor that gets there (a grid tile is about 40 pt wide; 112 px stays sharp in print).
func shrunk(_ picture: (width: Int, height: Int, rgb: [UInt8]), side: Int = 112) -> (width: Int, height: Int, rgb: [UInt8]) {
  let factor = (max(picture.width, picture.height) + side - 1) / side
  guard factor > 1 else { return picture }
  let (width, height) = (picture.width / factor, picture.height / factor)
  var rgb = [UInt8](repeating: 0, count: width * height * 3)
  for y in 0..<height {
    for x in 0..<width {
      for c in 0..<3 {
        var sum = 0
        for dy in 0..<factor { for dx in 0..<factor { sum += Int(picture.rgb[((y * factor + dy) * picture.width + x * factor + dx) * 3 + c]) } }
        rgb[(y * width + x) * 3 + c] = UInt8((sum + factor * factor / 2) / (factor * factor))
      }
    }
  }
  return (width, height, rgb)
}

/// A [C, H, W] (or [1, C, H, W]) image as RGB bytes: values in [0, 1] as they are (`scaled` false),
/// or a preprocessed tensor min-max scaled over all channels (the preset is not known here; the
/// picture's look is preserved).
func displayBytes(_ tensor: Tensor, scaled: Bool = true) -> (width: Int, height: Int, rgb: [UInt8]) {
  let shape = Array(tensor.shape.suffix(3))
  guard shape.count == 3 else { return (1, 1, [0, 0, 0]) }
  let (channels, height, width) = (shape[0], shape[1], shape[2])
  let scaled = scaled ? Normalization.minMax(tensor.values) : tensor.values
  var rgb = [UInt8](repeating: 0, count: height * width * 3)
  for y in 0..<height {
    for x in 0..<width {
      for c in 0..<3 {
        let source = min(c, channels - 1) * height * width + y * width + x
        rgb[(y * width + x) * 3 + c] = UInt8(max(0, min(255, (scaled[source] * 255).rounded())))
      }
    }
  }
  return (width, height, rgb)
}
