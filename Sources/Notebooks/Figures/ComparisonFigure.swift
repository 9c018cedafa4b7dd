// A `compare` step as one grid, the standard figure of the CAM papers and of pytorch-grad-cam's
// README: a row per (image, class), the input then one column per method under column titles, one
// colorbar per colour scale, and a caption that states what every column shares once, then what
// each column does its own way. Each tile comes from `MapDisplay` with the step's display keys
// and the column's own on top.
import Document
import Foundation
import Methods

struct ComparisonFigure {
  let builder: FigureBuilder
  let step: Step
  let imageNames: [String]
  /// One map output per method, in the order of the step's columns.
  let columns: [MethodOutput]

  private struct Column {
    var name: String
    var kind: MapKind
    var items: [MapKind.Item]
    var display: MapDisplay
  }

  func grid() throws -> Grid {
    let prepared = try zip(columns, step.columns).map { column, columnStep -> Column in
      guard let (kind, items) = MapKind.of(column.payload) else { throw NotebookError("compare: '\(columnStep.name)' made no map") }
      return Column(name: column.convention("method") ?? columnStep.name, kind: kind, items: items,
                    display: MapDisplay(step.display.overridden(by: columnStep.display)))
    }
    guard let first = prepared.first else { throw NotebookError("compare: no method to compare") }
    var tiles: [Figure] = []
    var conventions = [[Convention]](repeating: [], count: prepared.count)
    var colorbars: [(colorbar: Colorbar, columns: [String])] = []
    var classes: [String] = []
    for (imageIndex, name) in imageNames.enumerated() {
      guard let picture = try builder.picture(name) else { throw NotebookError("compare: image '\(name)' is missing from the run") }
      for (row, target) in first.items.filter({ $0.imageIndex == imageIndex }).enumerated() {
        let rowID = "\(builder.figureID(BuiltInStep.compare, name))-\(row + 1)"
        tiles.append(Figure(id: "\(rowID)-input", panels: [FigurePanel(image: picture)], caption: "\(name) · \(FigureBuilder.classLabel(target.target))"))
        classes.append("\(name): \(FigureBuilder.classDescription(target.target))")
        for (index, column) in prepared.enumerated() {
          let mine = column.items.filter { $0.imageIndex == imageIndex }
          guard row < mine.count else { throw NotebookError("compare: \(column.name) has no map for \(name), class \(row + 1)") }
          let shown = try column.display.show(try column.kind.source(mine[row].values, method: column.name), picture: picture,
                                              size: [picture.height, picture.width])
          tiles.append(Figure(id: "\(rowID)-\(index + 1)", panels: [
            FigurePanel(image: picture, overlay: shown.map, alpha: shown.alpha, blended: shown.overlay),
          ], caption: ""))
          conventions[index] = shown.conventions
          if let colorbar = shown.colorbar {
            if let same = colorbars.firstIndex(where: { $0.colorbar == colorbar }) {
              if !colorbars[same].columns.contains(column.name) { colorbars[same].columns.append(column.name) }
            } else {
              colorbars.append((colorbar, [column.name]))
            }
          }
        }
      }
    }
    let headers = [GridHeader("input")] + prepared.map { GridHeader($0.name) }
    let bars = colorbars.map { entry -> Colorbar in
      var colorbar = entry.colorbar
      colorbar.title = entry.columns.joined(separator: ", ") + ": " + colorbar.title
      return colorbar
    }
    return Grid(id: builder.figureID(BuiltInStep.compare), columns: prepared.count + 1, tiles: tiles,
                caption: caption(prepared.map(\.name), display: conventions, classes: classes),
                colorbars: bars, kind: .heatmap, columnHeaders: headers)
  }

  /// "compare — one row per …. In every column: k: v; …. saliency, smoothgrad: k: v; …. grad-cam: …."
  /// Each convention is stated once, for the columns that share it.
  private func caption(_ names: [String], display: [[Convention]], classes: [String]) -> String {
    let skipped: Set<String> = ["method", "class", "target"]
    // The model (when not the default) is every column's, so it opens "In every column".
    let perColumn = zip(columns, display).map { column, shown in
      (builder.model.map { [$0] } ?? []) + column.conventions.filter { !skipped.contains($0.key) } + shown
    }
    // Conventions in order of first appearance, grouped by the exact set of columns holding them.
    var groups: [(columns: [Int], conventions: [Convention])] = []
    for conventions in perColumn {
      for convention in conventions where !groups.contains(where: { $0.conventions.contains(convention) }) {
        let holders = perColumn.indices.filter { perColumn[$0].contains(convention) }
        if let group = groups.firstIndex(where: { $0.columns == holders }) {
          groups[group].conventions.append(convention)
        } else {
          groups.append((holders, [convention]))
        }
      }
    }
    // What every column shares first, then the rest in order of their first column.
    let everyColumn = groups.filter { $0.columns.count == names.count }
    groups = everyColumn + groups.filter { $0.columns.count != names.count }
    var sentences = ["\(BuiltInStep.compare) — one row per image and class (\(classes.joined(separator: "; "))), "
                     + "a column per method: \(names.joined(separator: ", "))"]
    for group in groups {
      let who = group.columns.count == names.count ? "In every column" : group.columns.map { names[$0] }.joined(separator: ", ")
      sentences.append(who + ": " + group.conventions.map { "\($0.key): \($0.value)" }.joined(separator: "; "))
    }
    return sentences.joined(separator: ". ") + "."
  }
}
