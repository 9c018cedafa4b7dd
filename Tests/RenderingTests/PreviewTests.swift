import Document
import Foundation
import Testing
@testable import Rendering

@Suite struct PreviewTests {
  /// Writes a sample report to CONVLENS_PREVIEW_DIR for looking at by eye (skipped otherwise).
  @Test func writesPreviewWhenAsked() throws {
    guard let directory = ProcessInfo.processInfo.environment["CONVLENS_PREVIEW_DIR"] else { return }
    let document = try Samples.sampleDocument(paragraphs: 8)
    let renderer = PagedRenderer()
    let pdf = try renderer.pdf(document)
    try pdf.write(to: URL(fileURLWithPath: directory).appendingPathComponent("sample.pdf"))
    for (index, png) in try renderer.pagePNGs(document, dpi: 96).enumerated() {
      try png.write(to: URL(fileURLWithPath: directory).appendingPathComponent("page-\(index + 1).png"))
    }
    try renderer.pagePlanDump(document).write(to: URL(fileURLWithPath: directory).appendingPathComponent("plan.txt"), atomically: true, encoding: .utf8)
    for file in try renderer.figureFiles(document) {
      try file.data.write(to: URL(fileURLWithPath: directory).appendingPathComponent(file.name))
    }
    #expect(pdf.count > 1000)
  }
}

extension PreviewTests {
  @Test func writesHTMLPreviewWhenAsked() throws {
    guard let directory = ProcessInfo.processInfo.environment["CONVLENS_PREVIEW_DIR"] else { return }
    let html = try HTMLRenderer().render(try Samples.sampleDocument(paragraphs: 2))
    try html.write(to: URL(fileURLWithPath: directory).appendingPathComponent("sample.html"))
    #expect(html.count > 1000)
  }
}

extension PreviewTests {
  /// A report-sized document (many figures, a 64-tile grid, a 1000-point scatter) for timing and a look.
  static func largeDocument() throws -> ReportDocument {
    var blocks: [Block] = []
    let photo = try Samples.gradient(width: 224, height: 224, seed: 3)
    let heat = try Samples.heatmap(width: 224, height: 224)
    for section in 1...6 {
      blocks.append(.heading(level: 1, text: "절 \(section): 시각화 방법"))
      blocks.append(.markdown(Samples.koreanProse))
      blocks.append(.heading(level: 2, text: "결과 \(section)"))
      blocks.append(.figure(Figure(id: "step-\(section)", panels: [
        FigurePanel(image: photo, label: "입력"), FigurePanel(image: photo, overlay: heat, alpha: 0.5, label: "겹침"),
        FigurePanel(image: heat, label: "지도"),
      ], caption: "방법 \(section): 층 features.\(section), 대상 tabby (0.62), 최소-최대 정규화, 양선형 보간, jet, α = 0.5.")))
      blocks.append(.markdown(Samples.koreanProse + "\n\n" + Samples.koreanProse))
    }
    blocks.append(.grid(Grid(id: "filters-64", columns: 8, tiles: try (0..<64).map {
      Figure(id: "f\($0)", panels: [FigurePanel(image: try Samples.filter($0), pixelated: true)], caption: "\($0)")
    }, caption: "필터 64개.")))
    let palette = [RGB(31, 119, 180), RGB(255, 127, 14), RGB(44, 160, 44), RGB(214, 39, 40), RGB(148, 103, 189),
                   RGB(140, 86, 75), RGB(227, 119, 194), RGB(127, 127, 127), RGB(188, 189, 34), RGB(23, 190, 207)]
    blocks.append(.chart(Chart(id: "tsne", caption: "t-SNE, 1000개 점.", series: (0..<10).map { cls in
      ChartSeries(label: "class \(cls)", color: palette[cls], style: .points, points: (0..<100).map { i in
        let angle = Double(cls) / 10 * 2 * Double.pi
        return ChartPoint(x: 30 * cos(angle) + Double((i * 37) % 17) - 8, y: 30 * sin(angle) + Double((i * 53) % 13) - 6)
      })
    }, aspectRatio: 1, showsTickLabels: false)))
    return ReportDocument(title: "큰 보고서", author: "테스트", date: "2026-11-26", language: "ko", blocks: blocks)
  }

  @Test func writesLargePreviewWhenAsked() throws {
    guard let directory = ProcessInfo.processInfo.environment["CONVLENS_PREVIEW_DIR"] else { return }
    let document = try Self.largeDocument()
    let start = Date()
    let pdf = try PagedRenderer().pdf(document)
    let pdfSeconds = Date().timeIntervalSince(start)
    let html = try HTMLRenderer().render(document)
    let htmlSeconds = Date().timeIntervalSince(start) - pdfSeconds
    try pdf.write(to: URL(fileURLWithPath: directory).appendingPathComponent("large.pdf"))
    try html.write(to: URL(fileURLWithPath: directory).appendingPathComponent("large.html"))
    print("large document: PDF \(pdf.count) bytes in \(pdfSeconds) s, HTML \(html.count) bytes in \(htmlSeconds) s")
    #expect(pdf.count > 10_000)
  }
}
