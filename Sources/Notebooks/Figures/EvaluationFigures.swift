// Evaluation figures: per (image, class), the deletion / insertion curves with their AUCs in the
// caption, or the sanity check's row of maps (original, then one per randomisation step) with the
// rank correlation under each; then one table of every number.
import Document
import Foundation
import Methods

struct EvaluationFigures {
  let builder: FigureBuilder
  let output: StepOutput
  let step: Step
  let evaluation: StoredEvaluation

  private var method: String { output.convention("method") ?? step.name }

  func blocks() throws -> [Block] {
    var blocks: [Block] = []
    for (index, item) in evaluation.items.enumerated() {
      let name = imageName(item)
      let suffix = evaluation.items.count > 1 ? "\(name)-\(index + 1)" : name
      if !item.series.isEmpty {
        let palette = ChartPalette.colors
        blocks.append(.chart(Chart(
          id: builder.figureID(method, suffix), caption: caption(item, numbers: item.measurements),
          series: item.series.enumerated().map { position, line in
            ChartSeries(label: line.name, color: palette[position % palette.count], style: .line,
                        points: zip(line.x, line.y).map { ChartPoint(x: Double($0), y: Double($1)) })
          }, xLabel: item.xLabel ?? "", yLabel: item.yLabel ?? "")))
      }
      if !item.panels.isEmpty {
        blocks.append(.grid(try mapRow(item, id: builder.figureID(method, suffix))))
      }
    }
    blocks.append(.table(numbers()))
    return blocks
  }

  /// The judged maps side by side, each shown by `MapDisplay` at the picture's size on its own scale.
  private func mapRow(_ item: StoredEvaluation.Item, id: String) throws -> Grid {
    let display = MapDisplay(step.display)
    let picture = try builder.picture(imageName(item))
    let size = [picture?.height ?? 224, picture?.width ?? 224]
    var colorbar: Colorbar?
    var conventions: [Convention] = []
    let tiles = try item.panels.enumerated().map { position, panel -> Figure in
      let shape = panel.map.shape
      guard shape.count == 2 else { throw NotebookError("\(method): map shape \(shape) is not [h, w]") }
      let values = panel.map.values.values
      let source: MapDisplay.Source = try evaluation.reduction.map { name in
        guard let reduction = ChannelReduction(rawValue: name) else { throw NotebookError("\(method): unknown reduction '\(name)'") }
        return .reducedAttribution(values, height: shape[0], width: shape[1], reduction: reduction, signed: evaluation.signed)
      } ?? .layerMap(values, height: shape[0], width: shape[1], signed: evaluation.signed)
      // The map alone (no picture under it), as in Adebayo et al.'s figures.
      let shown = try display.show(source, picture: nil, size: size)
      colorbar = colorbar ?? shown.colorbar
      conventions = shown.conventions.filter { $0.key != "overlay" }
      let numbers = panel.measurements.map { "\(shortName($0.name)) = \(String(format: "%.3f", $0.value))" }
      return Figure(id: "\(id)-\(position + 1)", panels: [FigurePanel(image: shown.map)],
                    caption: ([panel.label] + numbers).joined(separator: " · "))
    }
    if var bar = colorbar {
      bar.title = "\(evaluation.method), each map on its own scale: \(bar.title)"
      colorbar = bar
    }
    return Grid(id: id, columns: min(max(tiles.count, 1), 6), tiles: tiles,
                caption: caption(item, numbers: item.measurements, display: conventions), colorbars: colorbar.map { [$0] } ?? [], kind: .heatmap)
  }

  /// One row per (image, class): every number, then the summary over all of them.
  private func numbers() -> Document.Table {
    var names: [String] = []
    for item in evaluation.items { for measurement in item.measurements where !names.contains(measurement.name) { names.append(measurement.name) } }
    var rows = evaluation.items.map { item in
      [imageName(item), "\(item.target.label) (\(item.target.index))"] + names.map { name in
        item.measurements.first { $0.name == name }.map { format($0.value) } ?? ""
      }
    }
    for measurement in evaluation.summary {
      rows.append(["all \(evaluation.items.count)", "\(measurement.name) = \(format(measurement.value))"] + Array(repeating: "", count: names.count))
    }
    return Document.Table(header: ["image", "class"] + names, rows: rows, caption: builder.caption(output, step: step, extra: []),
                 alignments: [.left, .left] + names.map { _ in .right })
  }

  private func caption(_ item: StoredEvaluation.Item, numbers: [StoredMeasurement], display: [Convention] = []) -> String {
    let target = "\(item.target.label) (index \(item.target.index), p = \(String(format: "%.4f", item.target.probability)))"
    let extra = [["image", imageName(item)], ["target class", target]]
      + numbers.map { [$0.name, format($0.value)] }
    return builder.caption(output, step: step, extra: extra, skipping: ["class"], display: display)
  }

  private func imageName(_ item: StoredEvaluation.Item) -> String {
    item.imageIndex < output.imageNames.count ? output.imageNames[item.imageIndex] : "image \(item.imageIndex + 1)"
  }

  private func shortName(_ name: String) -> String { name == "spearman" ? "ρ" : name == "ssim" ? "SSIM" : name }

  private func format(_ value: Double) -> String { String(format: abs(value) >= 100 ? "%.1f" : "%.4f", value) }
}
