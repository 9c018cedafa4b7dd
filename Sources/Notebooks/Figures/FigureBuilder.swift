// The one place where step results become document blocks: one case per payload. Heatmaps are
// shown over the exact picture the model saw; captions state every convention used.
import Document
import Foundation
import Methods

struct FigureBuilder {
  /// Pictures the model saw, by image name (nil for .npy inputs).
  let images: [String: PreparedImage]
  /// The step's position among the notebook's steps (1-based), for unique figure ids.
  let stepNumber: Int

  func blocks(for record: StepRecord) throws -> [Block] {
    let output = record.output, step = record.step
    let method = output.convention("method") ?? step.name
    switch output.payload {
    case .layerMaps, .pixelAttributions:
      guard let (kind, items) = MapKind.of(output.payload) else { return [] }
      return try HeatmapFigures(builder: self, output: output, step: step, kind: kind).figures(items).map { .figure($0) }
    case .comparison(let columns):
      return [.grid(try ComparisonFigure(builder: self, output: output, step: step, columns: columns).grid())]
    case .imageGrid(let columns, let cells, let captions):
      let tiles = try zip(cells, captions).enumerated().map { index, cell in
        let picture = try Rasters.cell(cell.0.shape, cell.0.values.values)
        return Figure(id: "\(figureID(method))-\(index + 1)", panels: [FigurePanel(image: picture, pixelated: picture.width < 64)],
                      caption: cell.1)
      }
      // One tile per row (single-channel filters such as depthwise ones) would fill pages: reflow.
      let shownColumns = columns <= 1 ? min(max(tiles.count, 1), 8) : columns
      return [.grid(Grid(id: figureID(method), columns: shownColumns, tiles: tiles,
                         caption: caption(output, step: step, extra: []), kind: method == "activations" ? .activations : .filters))]
    case .embedding(let points, let labels, let classNames):
      return [.chart(try embeddingChart(points: points, labels: labels, classNames: classNames, output: output, step: step))]
    case .neighbours(let queries, let pixelQueries, let queryItems):
      return [.grid(try NeighbourFigure(builder: self, output: output, step: step).grid(queries: queries, pixelQueries: pixelQueries,
                                                                                        queryItems: queryItems))]
    case .table(let header, let rows):
      return [.table(Table(header: header, rows: rows, caption: caption(output, step: step, extra: [])))]
    case .curve(let xLabel, let yLabel, let series):
      let palette = ChartPalette.colors
      let chart = Chart(id: figureID(method), caption: caption(output, step: step, extra: []),
                        series: series.enumerated().map { index, line in
                          ChartSeries(label: line.name, color: palette[index % palette.count], style: .line,
                                      points: zip(line.x, line.y).map { ChartPoint(x: Double($0), y: Double($1)) })
                        }, xLabel: xLabel, yLabel: yLabel)
      return [.chart(chart)]
    case .evaluation(let evaluation):
      return try EvaluationFigures(builder: self, output: output, step: step, evaluation: evaluation).blocks()
    case .predictions(let predictions):
      let rows = predictions.flatMap { prediction in
        prediction.top.enumerated().map { rank, entry in
          [rank == 0 ? prediction.image : "", String(rank + 1), entry.label, String(entry.index),
           String(format: "%.4f", entry.probability)]
        }
      }
      let note = "Top-\(predictions.first?.top.count ?? 5) classes per image; probability = softmax of the model output; "
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
    let bytes = displayBytes(prepared.tensor)
    return try Rasters.image(width: bytes.width, height: bytes.height, rgb: bytes.rgb)
  }

  /// "grad-cam — layer: …; target: …" with the conventions in order, `extra` first after the
  /// method, `display` (how `MapDisplay` made the pixels) last.
  func caption(_ output: StepOutput, step: Step, extra: [[String]], skipping: Set<String> = [], display: [Convention] = []) -> String {
    let method = output.convention("method") ?? step.name
    let parts = (extra + output.conventions.filter { $0.first != "method" && !skipping.contains($0.first ?? "") }
                 + display.map { [$0.key, $0.value] })
      .compactMap { pair -> String? in
        guard pair.count == 2 else { return nil }
        return "\(pair[0]): \(pair[1])"
      }
    return ([method] + (parts.isEmpty ? [] : [parts.joined(separator: "; ")])).joined(separator: " — ") + "."
  }

  /// "tabby (281) p=0.412", for panel labels and class switchers.
  static func classLabel(_ target: StoredClass) -> String {
    "\(target.label) (\(target.index)) p=\(String(format: "%.3f", target.probability))"
  }

  /// "tabby (index 281, p = 0.4123)", for captions.
  static func classDescription(_ target: StoredClass) -> String {
    "\(target.label) (index \(target.index), p = \(String(format: "%.4f", target.probability)))"
  }

  private func embeddingChart(points: StoredTensor, labels: [Int?], classNames: [String], output: StepOutput, step: Step) throws -> Chart {
    let values = points.values.values
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
    return Chart(id: figureID(output.convention("method") ?? step.name), caption: caption(output, step: step, extra: []),
                 series: series, aspectRatio: 1, showsTickLabels: false)
  }
}

/// matplotlib's tab10 colours, for chart series.
enum ChartPalette {
  static let colors = [
    RGB(31, 119, 180), RGB(255, 127, 14), RGB(44, 160, 44), RGB(214, 39, 40), RGB(148, 103, 189),
    RGB(140, 86, 75), RGB(227, 119, 194), RGB(127, 127, 127), RGB(188, 189, 34), RGB(23, 190, 207),
  ]
}
