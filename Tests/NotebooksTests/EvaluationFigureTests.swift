import Document
import Engine
import Foundation
import Testing
@testable import Methods
@testable import Notebooks

/// Evaluation outputs (deletion / insertion, sanity check) become a chart with the AUCs in its
/// caption, a row of maps with ρ under each, and a table of the numbers.
@Suite struct EvaluationFigureTests {
  static let target = ClassInfo(index: 3, label: "tabby", probability: 0.5, logit: 2)

  func blocks(_ evaluation: Evaluation, method: String) throws -> [Block] {
    let output = MethodOutput(.evaluation(evaluation), conventions: [Convention("method", method), Convention("steps", "2")])
    let step = Step(name: method, location: SourceLocation(file: "n.md", line: 1, column: 1))
    let record = StepRecord(step: step, output: .method(output), imageNames: ["pic"], seconds: 0, cacheHit: false)
    return try FigureBuilder(images: ["pic": FigureTests.prepared("pic")], stepNumber: 2).blocks(for: record)
  }

  @Test func deletionInsertionIsACurveWithItsAUCs() throws {
    let curve = Curve(xLabel: "fraction", yLabel: "p", series: [.init(name: "deletion", x: [0, 0.5, 1], y: [0.5, 0.2, 0.1]),
                                                               .init(name: "insertion", x: [0, 0.5, 1], y: [0.1, 0.4, 0.5])])
    let item = Evaluation.Item(imageIndex: 0, target: Self.target, measurements: [Metric("deletion AUC", 0.25), Metric("insertion AUC", 0.35)], curve: curve)
    let result = try blocks(Evaluation(method: "grad-cam", signed: false, items: [item]), method: "deletion-insertion")
    guard case .chart(let chart) = result.first, case .table(let table) = result.last else {
      Issue.record("expected a chart and a table, got \(result)")
      return
    }
    #expect(chart.series.map(\.label) == ["deletion", "insertion"] && chart.series[1].points[1] == ChartPoint(x: 0.5, y: Double(Float(0.4))))
    for needed in ["deletion-insertion", "deletion AUC: 0.2500", "insertion AUC: 0.3500", "tabby (index 3", "steps: 2"] {
      #expect(chart.caption.contains(needed), "caption lacks '\(needed)': \(chart.caption)")
    }
    #expect(table.header == ["image", "class", "deletion AUC", "insertion AUC"] && table.rows == [["pic", "tabby (3)", "0.2500", "0.3500"]])
  }

  @Test func sanityCheckIsARowOfMapsWithTheCorrelationUnderEach() throws {
    let map = Tensor(shape: [1, 2], values: [0, 1])
    let item = Evaluation.Item(imageIndex: 0, target: Self.target, measurements: [Metric("spearman, all 1 randomised", -1)], panels: [
      .init(label: "original", map: map, measurements: []),
      .init(label: "+ fc", map: Tensor(shape: [1, 2], values: [1, 0]), measurements: [Metric("spearman", -1)]),
    ])
    let result = try blocks(Evaluation(method: "saliency", signed: false, items: [item]), method: "sanity-check")
    guard case .grid(let grid) = result.first else {
      Issue.record("expected a grid, got \(result)")
      return
    }
    #expect(grid.tiles.map(\.caption) == ["original", "+ fc · ρ = -1.000"])
    // Each map is upsampled to the 2 × 2 picture and normalised on its own: reversed maps, reversed colours.
    let first = grid.tiles[0].panels[0].image.rgba, second = grid.tiles[1].panels[0].image.rgba
    #expect(Array(first[0..<3]) == Array(second[4..<7]) && Array(first[4..<7]) == Array(second[0..<3]))
    #expect(grid.caption.contains("sanity-check") && grid.caption.contains("spearman, all 1 randomised: -1.0000"))
  }
}
