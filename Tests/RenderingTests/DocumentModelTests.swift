import Document
import Foundation
import Testing
@testable import Rendering

@Suite struct DocumentModelTests {
  @Test func rasterImageChecksItsByteCount() throws {
    #expect(throws: DocumentError.self) { try RasterImage(width: 2, height: 2, rgba: [0, 0, 0, 255]) }
    #expect(throws: DocumentError.self) { try RasterImage(width: 0, height: 2, rgba: []) }
    do {
      _ = try RasterImage(width: 2, height: 1, rgba: [1, 2, 3])
      Issue.record("a 3-byte 2x1 image was accepted")
    } catch {
      let message = String(describing: error)
      #expect(message.contains("expected 8") && !message.contains("\n"), "one clear line: \(message)")
    }
    let image = try RasterImage(width: 2, height: 1) { x, _ in RGBA(UInt8(x), 0, 0) }
    #expect(image.rgba == [0, 0, 0, 255, 1, 0, 0, 255])
  }

  @Test func pngRoundTripKeepsStraightAlpha() throws {
    let image = try RasterImage(width: 3, height: 2) { x, y in RGBA(200, UInt8(40 * x), UInt8(100 * y), UInt8(255 - 60 * x)) }
    let decoded = try PagedRenderer.decodePNG(try PagedRenderer.encodePNG(image))
    #expect(decoded.width == 3 && decoded.height == 2)
    for index in 0..<image.rgba.count {
      // Premultiplying and back loses at most about 255 / alpha / 2 per channel.
      #expect(abs(Int(decoded.rgba[index]) - Int(image.rgba[index])) <= 2, "byte \(index)")
    }
  }

  @Test func outlineNumbersHeadingsFiguresAndTables() throws {
    let figure = Figure(id: "a", panels: [], caption: "")
    let outline = DocumentOutline(ReportDocument(title: "t", language: "en", blocks: [
      .heading(level: 1, text: "A"), .figure(figure), .heading(level: 2, text: "B"),
      .markdown("### C\n\ntext\n\n#### D"), .table(Table(header: ["x"], rows: [])), .heading(level: 1, text: "E"),
      .grid(Grid(id: "g", columns: 2, tiles: [], caption: "")),
    ]))
    #expect(outline.headings.map(\.number) == ["1", "1.1", "1.1.1", "", "2"])
    #expect(outline.headings.map(\.anchor) == ["sec-1", "sec-1-1", "sec-1-1-1", "sec-u4", "sec-2"])
    let numbers = outline.items.compactMap { item -> String? in
      switch item.block.counter {
      case .figure: return "F\(item.number)"
      case .table: return "T\(item.number)"
      case nil: return nil
      }
    }
    #expect(numbers == ["F1", "T1", "F2"])
    #expect(outline.words.figure == "Figure")
    #expect(ReportWords(language: "ko").figure == "그림")
  }

  @Test func sectionsStartingAtLevelTwoAreNumberedFromOne() {
    let outline = DocumentOutline(ReportDocument(title: "t", blocks: [.markdown("## 강의\n\n### 요약\n\n## 과제")]))
    #expect(outline.headings.map(\.number) == ["1", "1.1", "2"])
    #expect(outline.headings.map(\.level) == [1, 2, 1])
  }

  @Test func markdownTablesKeepTheirHeaderRow() throws {
    let dump = try PagedRenderer().pagePlanDump(ReportDocument(title: "t", blocks: [
      .markdown("| 방법 | 비용 |\n|---|--:|\n| a | 1 |\n| b | 2 |"),
    ]))
    #expect(dump.contains("table y=") && dump.contains("rows 0-1: 방법 | 비용"), "\(dump)")
  }

  @Test func hangulWordsAreJoinedOnlyInsideWords() {
    #expect(keepingHangulWordsTogether("가림 실험") == "가\u{2060}림 실\u{2060}험")
    #expect(keepingHangulWordsTogether("Grad-CAM 논문을") == "Grad-CAM 논\u{2060}문\u{2060}을")
  }
}

extension DocumentModelTests {
  @Test func documentsRoundTripThroughCodable() throws {
    let document = try Samples.sampleDocument(paragraphs: 1)
    let decoded = try JSONDecoder().decode(ReportDocument.self, from: JSONEncoder().encode(document))
    #expect(decoded == document)
    let corrupt = Data(#"{"width": 2, "height": 2, "rgba": [1, 2, 3]}"#.utf8)
    #expect(throws: DocumentError.self) { try JSONDecoder().decode(RasterImage.self, from: corrupt) }
  }
}
