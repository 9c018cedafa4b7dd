import Document
import Foundation
import Testing
@testable import Rendering

/// Full pages: a figure that does not fit is shrunk by at most 15 %, or waits for the next page
/// while the prose after it fills this one; figures keep their order; chapters are barriers.
@Suite struct FlowTests {
  let renderer = PagedRenderer()
  let top = PageStyle.marginTop
  let bottom = PageStyle.contentBottom

  func filler(_ count: Int, prefix: String = "앞") -> [Block] {
    (0..<count).map { .markdown("\(prefix) \($0): " + String(repeating: "합성곱 신경망은 지역 패턴을 찾습니다. ", count: 3)) }
  }

  /// A figure whose picture is `height` points tall at the text width (a 451-pt-wide square-ish picture).
  func figure(_ id: String, aspect: Double = 1) throws -> Block {
    let image = try RasterImage(width: 90, height: Int(90 / aspect)) { x, y in RGBA(UInt8(x * 2), UInt8(y % 256), 90) }
    return .figure(Figure(id: id, panels: [FigurePanel(image: image), FigurePanel(image: image)], caption: "그림 \(id)"))
  }

  func items(_ blocks: [Block]) throws -> [DumpItem] {
    PageDump.parse(try renderer.pagePlanDump(ReportDocument(title: "제목", blocks: blocks)))
  }

  /// Empty fraction of each page's text area.
  func emptiness(_ items: [DumpItem]) -> [Int: Double] {
    Dictionary(grouping: items, by: \.page).mapValues { (bottom - ($0.map(\.bottom).max() ?? top)) / (bottom - top) }
  }

  /// The last page of `filler(count)` and the space a figure would have below it (its 8 pt above
  /// and the paragraph's 8 pt below taken off).
  func spaceLeft(after count: Int) throws -> (page: Int, left: Double) {
    let placed = try items(filler(count))
    let page = placed.map(\.page).max() ?? 1
    let lastBottom = placed.filter { $0.page == page }.map(\.bottom).max() ?? top
    return (page, bottom - lastBottom - Paginator.figureSpaceBefore - PageStyle.paragraphSpacing)
  }

  @Test func proseAfterAFigureThatDoesNotFitFillsThePageFirst() throws {
    let natural = try #require(try items([try figure("big", aspect: 0.5)]).first { $0.kind == "figure" }).height
    var checked = 0
    for count in 4...60 {
      let (page, left) = try spaceLeft(after: count)
      guard left < natural * 0.8, left > 60 else { continue }
      let placed = try items(filler(count) + [try figure("big", aspect: 0.5)] + filler(12, prefix: "뒤"))
      let figure = try #require(placed.first { $0.kind == "figure" })
      let firstAfter = try #require(placed.first { $0.text.hasPrefix("뒤 0") })
      // The figure opens the next page; the prose written after it filled the page it did not fit on.
      #expect(figure.page == page + 1 && abs(figure.y - top) < 0.01, "filler \(count)")
      #expect(firstAfter.page == page, "filler \(count): the prose after the figure did not move up")
      #expect(emptiness(placed)[page] ?? 1 < 1.0 / 3, "filler \(count)")
      checked += 1
    }
    #expect(checked > 3)
  }

  @Test func aFigureThatAlmostFitsIsShrunkByAtMost15Percent() throws {
    let natural = try #require(try items([try figure("f")]).first { $0.kind == "figure" }).height
    var checked = 0
    for count in 1...40 {
      let (page, left) = try spaceLeft(after: count)
      guard left < natural * 0.99, left > natural * 0.87 else { continue }
      let placed = try items(filler(count) + [try figure("f")] + filler(3, prefix: "뒤"))
      let figure = try #require(placed.first { $0.kind == "figure" })
      #expect(figure.page == page, "a figure needing \(natural) pt with \(left) pt left moved instead of shrinking")
      #expect(figure.height < natural && figure.height >= natural * 0.85)
      #expect(figure.bottom <= bottom + 0.01)
      checked += 1
    }
    #expect(checked > 0, "no filler count left room for an almost-fitting figure")
  }

  @Test func figuresKeepTheirOrderAndChaptersAreBarriers() throws {
    let blocks: [Block] = filler(12) + [try figure("a", aspect: 0.6), try figure("b", aspect: 0.6)] + filler(4, prefix: "뒤")
      + [.heading(level: 1, text: "다음 장")] + filler(2, prefix: "장")
    let placed = try items(blocks)
    let figures = placed.filter { $0.kind == "figure" }
    #expect(figures.map(\.text) == ["#1 a", "#2 b"])
    #expect(zip(figures, figures.dropFirst()).allSatisfy { ($0.page, $0.y) < ($1.page, $1.y) })
    // Nothing after the chapter heading moves above a figure written before it.
    let chapter = try #require(placed.first { $0.kind == "heading" && $0.text.contains("다음 장") })
    #expect(figures.allSatisfy { ($0.page, $0.y) < (chapter.page, chapter.y) })
    #expect(placed.filter { $0.text.hasPrefix("장") }.allSatisfy { ($0.page, $0.y) > (chapter.page, chapter.y) })
  }

  @Test func aHeadingNeverEndsAPageAboveWaitingFigures() throws {
    // A chain of headings (### under ##) is kept with the first lines that follow it.
    for count in stride(from: 8, through: 30, by: 2) {
      let blocks: [Block] = filler(count) + [try figure("w", aspect: 0.5), .heading(level: 2, text: "절"), .heading(level: 3, text: "소절")]
        + filler(3, prefix: "뒤")
      let placed = try items(blocks)
      for heading in placed.filter({ $0.kind == "heading" }) {
        let index = try #require(placed.firstIndex { $0.text == heading.text && $0.page == heading.page && $0.y == heading.y })
        let next = placed[index + 1]
        #expect(next.page == heading.page, "filler \(count): heading '\(heading.text)' ends page \(heading.page)")
      }
    }
  }
}
