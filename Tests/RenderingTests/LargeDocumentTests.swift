import Document
import Foundation
import Testing
@testable import Rendering

/// A report-sized document (six sections of prose and three-panel figures, a 64-tile grid, a 1000-point
/// scatter) renders to PDF and HTML with every caption in both. (Scripts/preview.sh renders a real
/// notebook for looking at; timings belong to the benchmark.)
@Suite struct LargeDocumentTests {
  static let captions = (1...6).map { "방법 \($0): 층 features.\($0), 대상 tabby (0.62), 최소-최대 정규화, 양선형 보간, jet, α = 0.5." }
    + ["필터 64개.", "t-SNE, 1000개 점."]

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
      ], caption: captions[section - 1])))
      blocks.append(.markdown(Samples.koreanProse + "\n\n" + Samples.koreanProse))
    }
    blocks.append(.grid(Grid(id: "filters-64", columns: 8, tiles: try (0..<64).map {
      Figure(id: "f\($0)", panels: [FigurePanel(image: try Samples.filter($0), pixelated: true)], caption: "\($0)")
    }, caption: captions[6])))
    let palette = [RGB(31, 119, 180), RGB(255, 127, 14), RGB(44, 160, 44), RGB(214, 39, 40), RGB(148, 103, 189),
                   RGB(140, 86, 75), RGB(227, 119, 194), RGB(127, 127, 127), RGB(188, 189, 34), RGB(23, 190, 207)]
    blocks.append(.chart(Chart(id: "tsne", caption: captions[7], series: (0..<10).map { cls in
      ChartSeries(label: "class \(cls)", color: palette[cls], style: .points, points: (0..<100).map { i in
        let angle = Double(cls) / 10 * 2 * Double.pi
        return ChartPoint(x: 30 * cos(angle) + Double((i * 37) % 17) - 8, y: 30 * sin(angle) + Double((i * 53) % 13) - 6)
      })
    }, aspectRatio: 1, showsTickLabels: false)))
    return ReportDocument(title: "큰 보고서", author: "테스트", date: "2026-11-26", language: "ko", blocks: blocks)
  }

  @Test func rendersToPDFAndHTMLWithEveryCaption() throws {
    let document = try Self.largeDocument()
    let pdf = try PagedRenderer().pdf(document)
    #expect(String(decoding: pdf.prefix(5), as: UTF8.self) == "%PDF-")
    #expect(pdf.count > 10_000)
    let plan = try PagedRenderer().pagePlanDump(document)
    #expect(Set(PageDump.parse(plan).map(\.page)).count >= 4, "six sections of prose and figures fill several pages")
    let html = String(decoding: try HTMLRenderer().render(document), as: UTF8.self)
    for caption in Self.captions {
      #expect(html.contains(caption), "HTML lacks the caption '\(caption)'")
    }
  }
}
