import Document
import Foundation
import Testing
@testable import Rendering

@Suite struct PDFTests {
  func text(_ pdf: Data) -> String { String(decoding: pdf, as: UTF8.self) }

  @Test func twoRendersGiveIdenticalBytes() throws {
    let document = try Samples.sampleDocument()
    let first = try PagedRenderer().pdf(document)
    let second = try PagedRenderer().pdf(document)
    #expect(first.count > 10_000)
    #expect(first == second)
  }

  @Test func embedsFontsMetadataOutlineAndLinks() throws {
    var document = try Samples.sampleDocument()
    document.title = "CNN Visualization Review"
    document.author = "Hong Gildong"
    let pdf = text(try PagedRenderer().pdf(document))
    #expect(pdf.hasPrefix("%PDF-"))
    #expect(pdf.contains("/FontFile"), "fonts are embedded")
    #expect(pdf.contains("/Title (CNN Visualization Review)"))
    #expect(pdf.contains("/Author (Hong Gildong)"))
    // Cairo 1.16 writes the date without the optional "D:" prefix.
    #expect(pdf.contains("/CreationDate (20261126000000Z)") || pdf.contains("/CreationDate (D:20261126000000"),
            "creation date comes from the document date, not the clock")
    #expect(pdf.contains("/Outlines"), "bookmark outline")
    #expect(pdf.contains("/Subtype /Link"), "clickable contents entries and links")
    #expect(pdf.contains("https://example.org/page"), "the Markdown link is a URI link")
    #expect(pdf.contains("/MediaBox [ 0 0 595.28 841.89 ]") || pdf.contains("/MediaBox [0 0 595.28 841.89]"), "A4")
  }

  @Test func markdownAnchorLinksJumpInsideTheDocument() throws {
    let document = ReportDocument(title: "t", blocks: [
      .markdown("See [the method](#sec-1) and [the figure](#fig-1)."),
      .heading(level: 1, text: "Method"),
      .figure(Figure(id: "x", panels: [FigurePanel(image: try Samples.gradient())], caption: "c")),
    ])
    let pdf = text(try PagedRenderer().pdf(document))
    #expect(pdf.contains("/Dest (sec-1)"))
    #expect(pdf.contains("/Dest (fig-1)"))
    #expect(!pdf.contains("/URI (#"), "anchors are not external URIs")
  }

  @Test func aLinkToAMissingAnchorStillRenders() throws {
    let document = ReportDocument(title: "t", blocks: [.markdown("A [typo](#no-such-heading) and [it's](#it's).")])
    let pdf = try PagedRenderer().pdf(document)
    #expect(text(pdf).hasPrefix("%PDF-"))
  }

  @Test func aPictureDrawnManyTimesIsEmbeddedOnce() throws {
    let photo = try Samples.gradient(width: 50, height: 40, seed: 9)
    let figures: [Block] = (0..<5).map {
      .figure(Figure(id: "f\($0)", panels: [FigurePanel(image: photo), FigurePanel(image: photo)], caption: "same photo"))
    }
    let pdf = text(try PagedRenderer().pdf(ReportDocument(title: "t", blocks: figures)))
    #expect(pdf.components(separatedBy: "/Subtype /Image").count - 1 == 1)
    #expect(pdf.contains("/Width 50") && pdf.contains("/Height 40"), "embedded at its own resolution")
  }

  @Test func pdfDateIsFixedWithoutADocumentDate() {
    #expect(pdfDate("2026-03-01") == "2026-03-01T00:00:00Z")
    #expect(pdfDate("3주차") == "2000-01-01T00:00:00Z")
    #expect(pdfDate(nil) == "2000-01-01T00:00:00Z")
  }
}

@Suite struct FigureExportTests {
  @Test func everyFigureBecomesAPNGAndAnSVG() throws {
    let files = try PagedRenderer().figureFiles(try Samples.sampleDocument())
    let names = files.map(\.name)
    #expect(names == ["fig-01-grad-cam.png", "fig-01-grad-cam.svg", "fig-02-filters.png", "fig-02-filters.svg",
                      "fig-03-curve.png", "fig-03-curve.svg"])
    for file in files where file.name.hasSuffix(".png") {
      #expect(Array(file.data.prefix(8)) == [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "\(file.name) is a PNG")
      let image = try PagedRenderer.decodePNG(file.data)
      #expect(image.width > 800, "\(file.name) is drawn at 192 dpi")
    }
    for file in files where file.name.hasSuffix(".svg") {
      #expect(String(decoding: file.data, as: UTF8.self).contains("<svg"), "\(file.name) is an SVG")
    }
  }

  @Test func fileStemsAreSafeAndNumbered() {
    #expect(figureFileStem(number: 3, id: "Grad-CAM (tabby)") == "fig-03-grad-cam-tabby")
    #expect(figureFileStem(number: 12, id: "../../etc") == "fig-12-etc")
    #expect(figureFileStem(number: 1, id: "합성곱") == "fig-01")
  }
}
