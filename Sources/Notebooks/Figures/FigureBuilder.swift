// The one place where step results become document blocks: one case per payload. Heatmaps are
// shown over the exact picture the model saw; captions state every convention used.
import Document
import Engine
import Foundation
import Methods

struct FigureBuilder {
  /// Pictures the model saw, by image name (nil for .npy inputs).
  let images: [String: PreparedImage]
  /// The step's position among the notebook's steps (1-based), for unique figure ids.
  let stepNumber: Int
  /// "model: squeezenet (SqueezeNet 1.1, bundled)" for a step on a `models:` entry, first in its
  /// captions; nil on the default model, whose captions read as they did before there were several.
  var model: Convention? = nil

  /// The caption convention naming `model`, nil for the default model.
  static func convention(for model: ModelSource) -> Convention? {
    guard !model.isDefault else { return nil }
    let file = model.file.bundled.map { "\($0.title), bundled" } ?? model.modelURL.lastPathComponent
    return Convention("model", "\(model.name) (\(file))")
  }

  func blocks(for record: StepRecord) throws -> [Block] {
    let output: MethodOutput
    switch record.output {
    case .comparison(let columns):
      return [.grid(try ComparisonFigure(builder: self, step: record.step, imageNames: record.imageNames, columns: columns).grid())]
    case .method(let single):
      output = single
    }
    let result = StepResult(builder: self, step: record.step, output: output, imageNames: record.imageNames)
    let method = result.method
    switch output.payload {
    case .layerMaps, .pixelAttributions:
      guard let (kind, items) = MapKind.of(output.payload) else { return [] }
      return try HeatmapFigures(result: result, kind: kind).figures(items).map { .figure($0) }
    case .imageGrid(let grid):
      let tiles = try grid.cells.enumerated().map { index, cell in
        let picture = try Rasters.cell(cell.image.shape, cell.image.values)
        return Figure(id: "\(figureID(method))-\(index + 1)", panels: [FigurePanel(image: picture, pixelated: picture.width < 64)],
                      caption: cell.caption)
      }
      // One tile per row (single-channel filters such as depthwise ones) would fill pages: reflow.
      let shownColumns = grid.columns <= 1 ? min(max(tiles.count, 1), 8) : grid.columns
      return [.grid(Grid(id: figureID(method), columns: shownColumns, tiles: tiles,
                         caption: result.caption(), kind: method == "activations" ? .activations : .filters))]
    case .embedding(let embedding):
      return [.chart(embeddingChart(embedding, result: result))]
    case .neighbours(let neighbours):
      return [.grid(try NeighbourFigure(result: result).grid(neighbours))]
    case .table(let table):
      return [.table(Table(header: table.header, rows: table.rows, caption: result.caption()))]
    case .curve(let curve):
      return [.chart(Chart(id: figureID(method), caption: result.caption(), series: Self.lines(curve.series),
                           xLabel: curve.xLabel, yLabel: curve.yLabel))]
    case .evaluation(let evaluation):
      return try EvaluationFigures(result: result, evaluation: evaluation).blocks()
    case .predictions(let predictions):
      let rows = predictions.items.flatMap { prediction in
        prediction.top.enumerated().map { rank, entry in
          [rank == 0 ? result.imageName(prediction.imageIndex) : "", String(rank + 1), entry.label, String(entry.index),
           String(format: "%.4f", entry.probability)]
        }
      }
      let note = "Top-\(predictions.items.first?.top.count ?? 5) classes per image; "
        + (model.map { "\($0.key): \($0.value); " } ?? "") + "probability = softmax of the model output; "
        + "preprocessing: \(output.convention("preprocess") ?? "the model's")."
      return [.table(Table(header: ["image", "rank", "class", "index", "probability"], rows: rows, caption: note,
                           alignments: [.left, .right, .left, .right, .right]))]
    }
  }

  /// "s3-grad-cam-cat": unique per step and image, safe in file names.
  func figureID(_ method: String, _ image: String? = nil) -> String {
    let raw = "s\(stepNumber)-\(method)" + (image.map { "-\($0)" } ?? "")
    return String(raw.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "-" })
  }

  /// The picture the model saw for image `name`.
  func picture(_ name: String) throws -> RasterImage? {
    guard let prepared = images[name] else { return nil }
    if let display = prepared.display { return try Rasters.image(display) }
    // An .npy input: the tensor min-max scaled over all channels (the preset is not known here).
    let bytes = Thumbnail(Tensor(shape: prepared.tensor.shape, values: Normalization.minMax(prepared.tensor.values)), side: .max)
    return try Rasters.image(width: bytes.width, height: bytes.height, rgb: [UInt8](bytes.rgb))
  }

  /// "tabby (281) p=0.412", for panel labels and class switchers.
  static func classLabel(_ target: ClassInfo) -> String {
    "\(target.label) (\(target.index)) p=\(String(format: "%.3f", target.probability))"
  }

  /// "tabby (index 281, p = 0.4123)", for captions.
  static func classDescription(_ target: ClassInfo) -> String {
    "\(target.label) (index \(target.index), p = \(String(format: "%.4f", target.probability)))"
  }

  /// Curves as chart lines in the tab10 colours.
  static func lines(_ series: [Curve.Series]) -> [ChartSeries] {
    series.enumerated().map { index, line in
      ChartSeries(label: line.name, color: ChartPalette.colors[index % ChartPalette.colors.count], style: .line,
                  points: zip(line.x, line.y).map { ChartPoint(x: Double($0), y: Double($1)) })
    }
  }

  private func embeddingChart(_ embedding: Embedding, result: StepResult) -> Chart {
    let values = embedding.points.values, labels = embedding.labels, classNames = embedding.classNames
    let count = values.count / 2
    var byClass: [Int: [ChartPoint]] = [:]
    for index in 0..<count {
      byClass[labels.indices.contains(index) ? (labels[index] ?? -1) : -1, default: []]
        .append(ChartPoint(x: Double(values[index * 2]), y: Double(values[index * 2 + 1])))
    }
    let palette = ChartPalette.colors
    let series = byClass.keys.sorted().enumerated().map { position, label in
      ChartSeries(label: label >= 0 && label < classNames.count ? classNames[label] : (label >= 0 ? "class \(label)" : "unlabelled"),
                  color: palette[position % palette.count], style: .points, points: byClass[label] ?? [])
    }
    return Chart(id: figureID(result.method), caption: result.caption(), series: series, aspectRatio: 1, showsTickLabels: false)
  }
}

/// One method step's output as its figures read it: the step, the output and the images it ran on.
struct StepResult {
  let builder: FigureBuilder
  let step: Step
  let output: MethodOutput
  let imageNames: [String]

  /// The method's name as its output records it.
  var method: String { output.convention("method") ?? step.name }

  /// The name of image `index` of the batch.
  func imageName(_ index: Int) -> String { index < imageNames.count ? imageNames[index] : "image \(index + 1)" }

  /// "grad-cam — layer: …; target: …" with the conventions in order, the model (when not the
  /// default) and `extra` first after the method, `display` (how `MapDisplay` made the pixels) last.
  func caption(extra: [Convention] = [], skipping: Set<String> = [], display: [Convention] = []) -> String {
    let parts = ((builder.model.map { [$0] } ?? []) + extra + output.conventions.filter { $0.key != "method" && !skipping.contains($0.key) } + display)
      .map { "\($0.key): \($0.value)" }
    return ([method] + (parts.isEmpty ? [] : [parts.joined(separator: "; ")])).joined(separator: " — ") + "."
  }
}

/// matplotlib's tab10 colours, for chart series.
enum ChartPalette {
  static let colors = [
    RGB(31, 119, 180), RGB(255, 127, 14), RGB(44, 160, 44), RGB(214, 39, 40), RGB(148, 103, 189),
    RGB(140, 86, 75), RGB(227, 119, 194), RGB(127, 127, 127), RGB(188, 189, 34), RGB(23, 190, 207),
  ]
}
