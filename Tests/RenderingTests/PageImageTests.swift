import Document
import Foundation
import Testing
@testable import Rendering

/// Page previews compared with committed goldens (60 dpi) with an absolute pixel-count tolerance.
/// On failure the actual and a diff image are written to a temporary directory named in the
/// message. CONVLENS_UPDATE_GOLDENS=1 rewrites the goldens.
@Suite struct PageImageTests {
  static let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Goldens")
  /// A pixel differs when any channel differs by more than this (anti-aliasing noise).
  static let channelTolerance = 48
  /// Pixels allowed to differ per page (a 496x702 page has ~348k pixels).
  static let pixelTolerance = 150

  static func goldenDocument() throws -> ReportDocument {
    try Samples.sampleDocument(paragraphs: 2)
  }

  @Test(arguments: [1, 2, 3])
  func pageMatchesGolden(page: Int) throws {
    let pages = try PagedRenderer().pagePNGs(try Self.goldenDocument(), dpi: 60)
    #expect(pages.count >= 3)
    let actualPNG = try #require(pages.count >= page ? pages[page - 1] : nil)
    let goldenURL = Self.goldenDirectory.appendingPathComponent("sample-page-\(page).png")
    if ProcessInfo.processInfo.environment["CONVLENS_UPDATE_GOLDENS"] == "1" {
      try FileManager.default.createDirectory(at: Self.goldenDirectory, withIntermediateDirectories: true)
      try actualPNG.write(to: goldenURL)
    }
    let golden = try PagedRenderer.decodePNG(try Data(contentsOf: goldenURL))
    let actual = try PagedRenderer.decodePNG(actualPNG)
    try #require(golden.width == actual.width && golden.height == actual.height,
                 "page \(page) is \(actual.width)x\(actual.height), golden \(golden.width)x\(golden.height)")
    let (count, diff) = try Self.compare(actual, golden)
    if count > Self.pixelTolerance {
      let directory = FileManager.default.temporaryDirectory.appendingPathComponent("convlens-golden-\(page)-\(UUID().uuidString)")
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      try actualPNG.write(to: directory.appendingPathComponent("actual.png"))
      try PagedRenderer.encodePNG(diff).write(to: directory.appendingPathComponent("diff.png"))
      Issue.record("page \(page): \(count) pixels differ (tolerance \(Self.pixelTolerance)); see \(directory.path)")
    }
  }

  /// Counts differing pixels and paints them red on a faded copy of the golden.
  static func compare(_ actual: RasterImage, _ golden: RasterImage) throws -> (Int, RasterImage) {
    var count = 0
    var diff = [UInt8](repeating: 255, count: actual.rgba.count)
    for pixel in 0..<(actual.width * actual.height) {
      let o = pixel * 4
      let differs = (0..<4).contains { abs(Int(actual.rgba[o + $0]) - Int(golden.rgba[o + $0])) > channelTolerance }
      if differs {
        count += 1
        diff[o] = 255; diff[o + 1] = 0; diff[o + 2] = 0
      } else {
        for c in 0..<3 { diff[o + c] = UInt8(200 + Int(golden.rgba[o + c]) * 55 / 255) }
      }
    }
    return (count, try RasterImage(width: actual.width, height: actual.height, rgba: diff))
  }

  @Test func comparisonNoticesAChangedPage() throws {
    let pages = try PagedRenderer().pagePNGs(try Self.goldenDocument(), dpi: 60)
    let first = try PagedRenderer.decodePNG(pages[0])
    let second = try PagedRenderer.decodePNG(pages[1])
    #expect(try Self.compare(first, first).0 == 0)
    #expect(try Self.compare(first, second).0 > Self.pixelTolerance)
  }

  @Test func previewIsA4AtTheRequestedResolution() throws {
    let pages = try PagedRenderer().pagePNGs(ReportDocument(title: "A4"), dpi: 72)
    let image = try PagedRenderer.decodePNG(try #require(pages.first))
    // 210 x 297 mm at 72 dpi: 595.28 x 841.89 px, rounded.
    #expect(image.width == 595 && image.height == 842)
  }
}

@Suite struct GlyphTests {
  @Test func koreanTextHasNoMissingGlyphs() throws {
    let document = ReportDocument(title: "합성곱 신경망 시각화", author: "홍길동", language: "ko", blocks: [
      .heading(level: 1, text: "합성곱 신경망 시각화"),
      .markdown("합성곱 신경망 시각화 — **굵게**, *기울임*, `코드 글꼴 한글`, 영어 Latin text 123."),
      .markdown("```\n# 코드 블록 주석: 한글\nx = 1\n```"),
      .table(Table(header: ["클래스", "확률"], rows: [["고양이", "0.62"]], caption: "표 제목")),
    ])
    let renderer = PagedRenderer()
    #expect(try renderer.missingGlyphCount(document) == 0)
    #expect(try renderer.missingGlyphCount(try Samples.sampleDocument()) == 0)
  }

  @Test func missingGlyphsAreCounted() throws {
    // U+10FFFD is a private-use code point no installed font covers: the count must see it.
    let document = ReportDocument(title: "x", blocks: [.markdown("box: \u{10FFFD}\u{10FFFD}")])
    #expect(try PagedRenderer().missingGlyphCount(document) >= 2)
  }
}
