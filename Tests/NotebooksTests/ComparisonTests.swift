import Document
import Foundation
import Rendering
import Testing
@testable import Notebooks

/// The `compare` step on the tiny 16x16 classifier: parsing (columns with their own settings and
/// display keys), one grid per step (a row per image × class, a column per method, titles,
/// colorbars, one caption), and both backends.
@Suite(.serialized) struct ComparisonTests {
  static let notebook = """
    ---
    \(TestWorkspace.tinyFrontMatter)
    ---
    # Compare

    ```convlens
    compare: {image: red, target: [apple, cherry], methods: [grad-cam, grad-cam-plus-plus, {score-cam: {batch: 4}}, {layer-cam: {colormap: jet}}], label: fig-cams}
    ```

    The four maps of @fig-cams side by side.
    """

  @Test func columnsCarryTheirOwnSettingsAndDisplayKeys() throws {
    let notebook = try TestWorkspace().parse("compare.md", Self.notebook)
    let step = try #require(notebook.steps.first)
    #expect(step.name == "compare")
    #expect(step.columns.map(\.name) == ["grad-cam", "grad-cam-plus-plus", "score-cam", "layer-cam"])
    #expect(step.columns[2].settings["batch"] == .int(4))
    #expect(step.columns[3].display.colormap == .jet)
    #expect(step.images == ["red"] && step.targets == ["apple", "cherry"])
    #expect(step.label == "fig-cams")
  }

  @Test func columnsTakeImagesFromTheStepAndOnlyMapMethods() throws {
    let workspace = try TestWorkspace()
    func error(_ step: String) -> NotebookError? {
      notebookError { _ = try workspace.parse("bad.md", "---\n\(TestWorkspace.tinyFrontMatter)\n---\n```convlens\n\(step)\n```\n") }
    }
    let inColumn = error("compare: {image: red, methods: [{grad-cam: {image: blue}}]}")
    #expect(inColumn?.message.contains("belongs to the compare step") == true)
    #expect(inColumn?.location?.column == 45)  // the "image" key inside the column
    #expect(error("compare: {image: red, methods: [grad-cam, sanity-check]}")?.message.contains("makes none") == true)
    #expect(error("compare: {image: red}")?.message.contains("needs `methods") == true)
    #expect(error("compare: {image: red, methods: [grad-cma]}")?.message.contains("'grad-cam'") == true)
  }

  @Test func fourMethodsTimesTwoClassesMakeOneGridInPDFAndHTML() throws {
    let workspace = try TestWorkspace()
    let url = try workspace.write("compare.md", Self.notebook)
    let result = try NotebookRenderer.render(workspace.request(url))
    let grids = result.document.blocks.compactMap { if case .grid(let grid) = $0 { return grid } else { return nil } }
    let grid = try #require(grids.first)
    #expect(grids.count == 1)
    #expect(grid.columns == 5)
    #expect(grid.tiles.count == 10)  // 2 classes × (input + 4 methods)
    #expect(grid.columnHeaders.map(\.title) == ["input", "grad-cam", "grad-cam-plus-plus", "score-cam", "layer-cam"])
    #expect(grid.label == "fig-cams")
    // Rows: apple then cherry, each opening with the input; every method tile is an overlay with its raster.
    #expect(grid.tiles[0].caption.contains("apple") && grid.tiles[5].caption.contains("cherry"))
    for tile in grid.tiles where tile.id.hasSuffix("-input") == false {
      let panel = try #require(tile.panels.first)
      #expect(panel.overlay != nil && panel.blended != nil)
    }
    // One colorbar per scale: viridis min-max for three columns, jet for layer-cam.
    #expect(grid.colorbars.count == 2)
    #expect(grid.colorbars[0].title.hasPrefix("grad-cam, grad-cam-plus-plus, score-cam:"))
    #expect(grid.colorbars[1].title.hasPrefix("layer-cam:"))
    // The caption states what the columns share once, then each column's own conventions.
    #expect(grid.caption.contains("In every column: "))
    #expect(grid.caption.components(separatedBy: "upsampling:").count == 2)
    #expect(grid.caption.contains("score-cam: ") && grid.caption.contains("batch: 4"))
    #expect(grid.caption.contains("layer-cam: ") && grid.caption.contains("colormap: jet"))
    // HTML: the grid with its titles and the opacity slider; the prose link to it.
    let html = try String(contentsOf: workspace.outDirectory.appendingPathComponent("compare.html"), encoding: .utf8)
    let figure = try #require(html.components(separatedBy: "<figure class=\"figure grid heatmap\"").dropFirst().first)
    #expect(figure.contains("class=\"tile-header\""))
    #expect(figure.contains("type=\"range\""))
    #expect(html.contains("<a href=\"#fig-1\">Figure\u{00A0}1</a>"))
    let pdf = try Data(contentsOf: workspace.outDirectory.appendingPathComponent("compare.pdf"))
    #expect(pdf.starts(with: Data("%PDF".utf8)))
    // Each column is cached as the step it would be alone: a second render hits all four.
    let again = try NotebookRenderer.render(workspace.request(url))
    #expect(again.cacheHits == 1)
    let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: workspace.outDirectory.appendingPathComponent("compare.run.json")))
    let steps = (manifest as? [String: Any])?["steps"] as? [[String: Any]] ?? []
    let columns = steps.first?["columns"] as? [[String: Any]] ?? []
    #expect(columns.map { $0["method"] as? String } == ["grad-cam", "grad-cam-plus-plus", "score-cam", "layer-cam"])
    #expect(columns[2]["batch"] as? Int == 4)
  }
}
