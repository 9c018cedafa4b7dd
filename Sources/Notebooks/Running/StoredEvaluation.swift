// The cached form of `Methods.Evaluation`: faithfulness numbers, their curves and the maps a
// sanity check compares, per (image, class).
import Engine
import Methods

struct StoredMeasurement: Codable, Equatable, Sendable {
  var name: String
  var value: Double
}

struct StoredEvaluation: Codable, Equatable, Sendable {
  struct Panel: Codable, Equatable, Sendable {
    var label: String
    /// [h, w]
    var map: StoredTensor
    var measurements: [StoredMeasurement]
  }
  struct Item: Codable, Equatable, Sendable {
    var imageIndex: Int
    var target: StoredClass
    var measurements: [StoredMeasurement]
    var xLabel: String?
    var yLabel: String?
    var series: [StoredSeries]
    var panels: [Panel]
  }
  var method: String
  var signed: Bool
  /// The judged pixel attributions' channel reduction (`ChannelReduction`); nil for CAM maps.
  var reduction: String?
  var items: [Item]
  var summary: [StoredMeasurement]

  init(_ evaluation: Evaluation) {
    func stored(_ measurements: [Methods.Measurement]) -> [StoredMeasurement] {
      measurements.map { StoredMeasurement(name: $0.name, value: $0.value) }
    }
    method = evaluation.method
    signed = evaluation.signed
    reduction = evaluation.reduction?.rawValue
    summary = stored(evaluation.summary)
    items = evaluation.items.map { item in
      Item(imageIndex: item.imageIndex, target: StoredClass(item.target), measurements: stored(item.measurements),
           xLabel: item.curve?.xLabel, yLabel: item.curve?.yLabel,
           series: item.curve?.series.map { StoredSeries(name: $0.name, x: $0.x, y: $0.y) } ?? [],
           panels: item.panels.map { Panel(label: $0.label, map: StoredTensor($0.map), measurements: stored($0.measurements)) })
    }
  }
}
