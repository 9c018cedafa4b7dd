import Document
import Foundation
import Testing
@testable import Rendering

/// Pagination rules checked on the page-plan dump.
@Suite struct LayoutTests {
  let renderer = PagedRenderer()
  let top = PageStyle.marginTop
  let bottom = PageStyle.contentBottom

  func filler(_ count: Int) -> [Block] {
    (0..<count).map { .markdown("문단 \($0): " + String(repeating: "합성곱 신경망은 지역 패턴을 찾습니다. ", count: 3)) }
  }

  func tallImage() throws -> RasterImage { try Samples.gradient(width: 40, height: 60) }

  @Test func everyItemStaysInsideTheTextArea() throws {
    let document = try Samples.sampleDocument(paragraphs: 12)
    let items = PageDump.parse(try renderer.pagePlanDump(document))
    #expect(items.count > 20)
    for item in items {
      #expect(item.y >= top - 0.01, "\(item.kind) \"\(item.text)\" starts above the text area on page \(item.page)")
      #expect(item.bottom <= bottom + 0.01, "\(item.kind) \"\(item.text)\" ends below the text area on page \(item.page)")
    }
    // The first item of every page sits at the top margin (space above is dropped at a page top).
    for page in Set(items.map(\.page)) {
      let first = try #require(items.first { $0.page == page })
      #expect(abs(first.y - top) < 0.01, "page \(page) starts at y=\(first.y)")
    }
  }

  @Test func contentsPageNumbersPointAtTheHeadings() throws {
    let document = try Samples.sampleDocument(paragraphs: 20)
    let items = PageDump.parse(try renderer.pagePlanDump(document))
    let entries = items.filter { $0.kind == "toc-entry" }
    #expect(entries.count == 4)
    for entry in entries {
      let heading = items.first { $0.kind == "heading" && $0.text.replacingOccurrences(of: "  ", with: " ") == entry.text }
      #expect(heading != nil, "no heading for contents entry \"\(entry.text)\"")
      #expect(heading?.page == entry.target, "contents says page \(entry.target ?? -1) for \"\(entry.text)\", heading is on \(heading?.page ?? -1)")
    }
    // Body text starts on a fresh page after the contents.
    let lastContentsPage = try #require(entries.map(\.page).max())
    let firstHeading = try #require(items.first { $0.kind == "heading" })
    #expect(firstHeading.page == lastContentsPage + 1)
  }

  /// Whatever amount of text precedes it, a heading is never the last thing on a page.
  @Test(arguments: Array(stride(from: 10, through: 40, by: 1)))
  func headingStaysWithTheNextBlock(fillerCount: Int) throws {
    var blocks: [Block] = [.heading(level: 1, text: "시작")] + filler(fillerCount)
    blocks += [.heading(level: 2, text: "다음 절"), .markdown("이어지는 첫 문단입니다. " + String(repeating: "내용 ", count: 60))]
    let items = PageDump.parse(try renderer.pagePlanDump(ReportDocument(title: "제목", blocks: blocks)))
    let heading = try #require(items.first { $0.kind == "heading" && $0.text.contains("다음 절") })
    let index = try #require(items.firstIndex { $0.kind == "heading" && $0.text.contains("다음 절") })
    let next = items[index + 1]
    #expect(next.page == heading.page, "heading on page \(heading.page), its text starts on page \(next.page)")
  }

  /// A figure that does not fit in the space left moves whole to the next page.
  @Test(arguments: Array(stride(from: 10, through: 30, by: 2)))
  func figureMovesWholeToTheNextPage(fillerCount: Int) throws {
    let figure = Figure(id: "tall", panels: [FigurePanel(image: try tallImage())], caption: "세로로 긴 그림")
    let blocks: [Block] = filler(fillerCount) + [.figure(figure), .markdown("뒤 문단")]
    let items = PageDump.parse(try renderer.pagePlanDump(ReportDocument(title: "제목", blocks: blocks)))
    let placed = try #require(items.first { $0.kind == "figure" })
    #expect(placed.bottom <= bottom + 0.01)
    let before = items.filter { $0.page == placed.page && $0.y < placed.y }
    if before.isEmpty {
      // Moved: the previous page's remaining space was too small for it.
      let previousBottom = items.filter { $0.page == placed.page - 1 }.map(\.bottom).max() ?? top
      let gaps = PageStyle.paragraphSpacing + Paginator.figureSpaceBefore
      #expect(previousBottom + gaps + placed.height > bottom, "figure moved although it fitted below y=\(previousBottom)")
    }
  }

  @Test func figureTallerThanAPageIsScaledToFit() throws {
    let veryTall = try RasterImage(width: 10, height: 400) { _, y in RGBA(UInt8(y % 256), 0, 0) }
    let figure = Figure(id: "very-tall", panels: [FigurePanel(image: veryTall)], caption: "매우 긴 그림")
    let grid = Grid(id: "many", columns: 2, tiles: try (0..<12).map { index in
      Figure(id: "t\(index)", panels: [FigurePanel(image: try tallImage())], caption: "타일 \(index)")
    }, caption: "큰 격자")
    let items = PageDump.parse(try renderer.pagePlanDump(ReportDocument(
      title: "제목", blocks: [.figure(figure), .grid(grid)])))
    let figures = items.filter { $0.kind == "figure" }
    #expect(figures.count == 2)
    for placed in figures {
      #expect(placed.height <= bottom - top + 0.01, "figure \(placed.text) is \(placed.height) pt tall")
      #expect(placed.height > FigureGeometryBuilder.maximumPanelHeight, "figure \(placed.text) shrank to \(placed.height) pt")
    }
  }

  @Test func longTextSplitsBetweenLinesAcrossPages() throws {
    let long = String(repeating: "긴 문단은 줄 단위로 나뉘어 다음 쪽으로 이어집니다. ", count: 400)
    let items = PageDump.parse(try renderer.pagePlanDump(ReportDocument(title: "제목", blocks: [.markdown(long)])))
    let slices = items.filter { $0.kind == "paragraph" }
    #expect(slices.count >= 3)
    #expect(Set(slices.map(\.page)).count == slices.count, "one slice per page")
    #expect(slices.dropFirst().allSatisfy { $0.text.hasPrefix("…") }, "continuations are marked")
    // Every page but the last is filled to within two lines of the bottom.
    for slice in slices.dropLast() { #expect(slice.bottom > bottom - 30) }
  }

  @Test func tableSplitsBetweenRowsAndKeepsItsHeader() throws {
    let table = Table(header: ["번호", "값"], rows: (0..<120).map { ["\($0)", "값 \($0)"] }, caption: "긴 표")
    let items = PageDump.parse(try renderer.pagePlanDump(ReportDocument(title: "제목", blocks: [.table(table)])))
    let parts = items.filter { $0.kind == "table" }
    #expect(parts.count >= 2)
    #expect(parts.allSatisfy { $0.text.contains("번호 | 값") }, "header repeated on every part")
    #expect(parts.first?.text.hasPrefix("rows 0-") == true)
    #expect(parts.last?.text.contains("-119:") == true)
  }

  @Test func pageBreakStartsANewPage() throws {
    let items = PageDump.parse(try renderer.pagePlanDump(ReportDocument(
      title: "제목", blocks: [.markdown("앞"), .pageBreak, .markdown("뒤")])))
    let before = try #require(items.first { $0.text == "앞" })
    let after = try #require(items.first { $0.text == "뒤" })
    #expect(after.page == before.page + 1)
  }

  @Test func markdownHeadingsAreNumberedLikeExplicitOnes() throws {
    let document = ReportDocument(title: "제목", blocks: [
      .heading(level: 1, text: "하나"), .markdown("## 둘\n\n본문\n\n# 셋"), .heading(level: 2, text: "넷"),
    ])
    let headings = PageDump.parse(try renderer.pagePlanDump(document)).filter { $0.kind == "heading" }.map(\.text)
    #expect(headings == ["1  하나", "1.1  둘", "2  셋", "2.1  넷"])
  }
}
