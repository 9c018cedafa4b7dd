// Evaluation figures: per (image, class), the deletion / insertion curves with their AUCs in the
// caption, or the sanity check's row of maps (original, then one per randomisation step) with the
// rank correlation under each; then one table of every number.
import Document
import Foundation
import Methods

struct EvaluationFigures {
  let result: StepResult
  let evaluation: Evaluation

  func blocks() throws -> [Block] {
    var blocks: [Block] = []
    for (index, item) in evaluation.items.enumerated() {
      let name = result.imageName(item.imageIndex)
      let suffix = evaluation.items.count > 1 ? "\(name)-\(index + 1)" : name
      if let curve = item.curve, !curve.series.isEmpty {
        blocks.append(.chart(Chart(id: result.builder.figureID(result.method, suffix), caption: caption(item),
                                   series: FigureBuilder.lines(curve.series), xLabel: curve.xLabel, yLabel: curve.yLabel)))
      }
      if !item.panels.isEmpty {
        blocks.append(.grid(try mapRow(item, id: result.builder.figureID(result.method, suffix))))
      }
    }
    blocks.append(.table(numbers()))
    return blocks
  }

  /// The judged maps side by side, each shown by `MapDisplay` at the picture's size on its own scale.
  private func mapRow(_ item: Evaluation.Item, id: String) throws -> Grid {
    let method = result.method
    let display = MapDisplay(result.step.display)
    let picture = try result.builder.picture(result.imageName(item.imageIndex))
    let size = [picture?.height ?? 224, picture?.width ?? 224]
    var colorbar: Colorbar?
    var conventions: [Convention] = []
    let tiles = try item.panels.enumerated().map { position, panel -> Figure in
      let shape = panel.map.shape
      guard shape.count == 2 else { throw NotebookError("\(method): map shape \(shape) is not [h, w]") }
      let values = panel.map.values
      let source: MapDisplay.Source = evaluation.reduction.map {
        .reducedAttribution(values, height: shape[0], width: shape[1], reduction: $0, signed: evaluation.signed)
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
                caption: caption(item, display: conventions), colorbars: colorbar.map { [$0] } ?? [], kind: .heatmap)
  }

  /// One row per (image, class): every number, then the summary over all of them.
  private func numbers() -> Table {
    var names: [String] = []
    for item in evaluation.items { for measurement in item.measurements where !names.contains(measurement.name) { names.append(measurement.name) } }
    var rows = evaluation.items.map { item in
      [result.imageName(item.imageIndex), "\(item.target.label) (\(item.target.index))"] + names.map { name in
        item.measurements.first { $0.name == name }.map { format($0.value) } ?? ""
      }
    }
    for measurement in evaluation.summary {
      rows.append(["all \(evaluation.items.count)", "\(measurement.name) = \(format(measurement.value))"] + Array(repeating: "", count: names.count))
    }
    return Table(header: ["image", "class"] + names, rows: rows, caption: result.caption(),
                 alignments: [.left, .left] + names.map { _ in .right })
  }

  /// The image, the class and the item's numbers, then the conventions.
  private func caption(_ item: Evaluation.Item, display: [Convention] = []) -> String {
    let extra = [Convention("image", result.imageName(item.imageIndex)),
                 Convention("target class", FigureBuilder.classDescription(item.target))]
      + item.measurements.map { Convention($0.name, format($0.value)) }
    return result.caption(extra: extra, skipping: ["class"], display: display)
  }

  private func shortName(_ name: String) -> String { name == "spearman" ? "ρ" : name == "ssim" ? "SSIM" : name }

  private func format(_ value: Double) -> String { String(format: abs(value) >= 100 ? "%.1f" : "%.4f", value) }
}
