// Nearest neighbours as one grid: a row per query, the query first, then its k nearest dataset
// images in feature space and, when computed, its k nearest in pixel space, each with the cosine
// similarity and class under the thumbnail (CS231n's contrast: feature-space neighbours share the
// class, pixel-space ones share brightness and pose).
import Document
import Foundation
import Methods

struct NeighbourFigure {
  let result: StepResult

  func grid(_ neighbours: Neighbours) throws -> Grid {
    let (queries, pixelQueries, queryItems) = (neighbours.queries, neighbours.pixelQueries, neighbours.queryItems ?? [])
    let builder = result.builder
    let k = queries.map(\.count).max() ?? 0
    let pixelK = pixelQueries.map(\.count).max() ?? 0
    var tiles: [Figure] = []
    for (index, matches) in queries.enumerated() {
      let id = "\(builder.figureID(result.method))-q\(index + 1)"
      if index < queryItems.count {
        let query = queryItems[index]
        tiles.append(Figure(id: "\(id)-query", panels: [try panel(query)], caption: "\(query.label) #\(query.datasetIndex)"))
      } else {
        let name = index < result.imageNames.count ? result.imageNames[index] : "query \(index + 1)"
        guard let picture = try builder.picture(name) else { throw NotebookError("neighbours: image '\(name)' is missing from the run") }
        tiles.append(Figure(id: "\(id)-query", panels: [FigurePanel(image: picture)], caption: name))
      }
      tiles += try row(matches, count: k, id: "\(id)-f")
      if pixelK > 0 { tiles += try row(index < pixelQueries.count ? pixelQueries[index] : [], count: pixelK, id: "\(id)-p") }
    }
    var headers = [GridHeader("query"), GridHeader("feature space (cosine of the layer's features)", span: max(k, 1))]
    if pixelK > 0 { headers.append(GridHeader("pixel space (cosine of the input tensors)", span: pixelK)) }
    let extra = [Convention("queries", queryItems.isEmpty ? result.imageNames.joined(separator: ", ") : "\(queryItems.count) dataset images"),
                 Convention("under each thumbnail", "cosine similarity, then the dataset class")]
    return Grid(id: builder.figureID(result.method), columns: 1 + max(k, 1) + pixelK, tiles: tiles,
                caption: result.caption(extra: extra), kind: .neighbours, columnHeaders: headers)
  }

  /// `count` tiles: the matches, then blank tiles so every row has the same columns.
  private func row(_ matches: [Neighbours.Match], count: Int, id: String) throws -> [Figure] {
    try (0..<count).map { rank in
      guard rank < matches.count else {
        return Figure(id: "\(id)\(rank + 1)", panels: [FigurePanel(image: try RasterImage(width: 1, height: 1, rgba: [255, 255, 255, 255]))],
                      caption: "")
      }
      let match = matches[rank]
      return Figure(id: "\(id)\(rank + 1)", panels: [try panel(match)], caption: "\(String(format: "%.3f", match.score))\n\(match.label)")
    }
  }

  private func panel(_ match: Neighbours.Match) throws -> FigurePanel {
    let thumbnail = try Rasters.image(width: match.thumbnail.width, height: match.thumbnail.height, rgb: [UInt8](match.thumbnail.rgb))
    return FigurePanel(image: thumbnail, pixelated: thumbnail.width < 64)
  }
}
