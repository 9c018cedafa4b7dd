// Public entry points of the paged backend: PDF bytes, PNG page previews, the page-plan dump and
// per-figure PNG/SVG exports. All return bytes; the caller writes files.
import Document
import Foundation

/// Pango and fontconfig objects are not thread-safe when shared; each render builds its own, and
/// renders are serialised so parallel callers (tests, a CLI rendering PDF and HTML at once) are safe.
let renderLock = NSLock()

public struct PagedRenderer: Sendable {
  public init() {}

  /// A4 PDF with title block, contents, outline, links and fixed metadata dates.
  public func pdf(_ document: ReportDocument) throws -> Data {
    try renderLock.withLock {
      let engine = try LayoutEngine(document: document)
      let plan = try engine.layout()
      let surface = try CairoSurface.pdf(width: PageStyle.pageWidth, height: PageStyle.pageHeight)
      surface.setPDFMetadata(title: document.title, author: document.author, date: pdfDate(document.date))
      let canvas = try Canvas(surface: surface)
      let painter = PagePainter(plan: plan, fonts: engine.fonts)
      for page in plan.pages {
        try painter.paint(page, on: canvas)
        canvas.showPage()
      }
      try canvas.checkStatus()
      addOutline(plan, to: surface)
      return try surface.finish()
    }
  }

  /// One PNG per page at `dpi` (72 = 1 px per point), white background.
  public func pagePNGs(_ document: ReportDocument, dpi: Double = 96) throws -> [Data] {
    try renderLock.withLock {
      let engine = try LayoutEngine(document: document)
      let plan = try engine.layout()
      let painter = PagePainter(plan: plan, fonts: engine.fonts)
      return try plan.pages.map { page in
        let surface = try pageSurface(dpi: dpi)
        let canvas = try Canvas(surface: surface)
        // White background over every pixel (device space, before scaling to points).
        canvas.fillRect(x: 0, y: 0, width: PageStyle.pageWidth * dpi / 72 + 1, height: PageStyle.pageHeight * dpi / 72 + 1,
                        color: RGB(255, 255, 255))
        canvas.scale(dpi / 72)
        try painter.paint(page, on: canvas)
        try canvas.checkStatus()
        return try surface.pngData()
      }
    }
  }

  /// The page plan as text: one line per page, one per placed item (kind, y, height, text start).
  public func pagePlanDump(_ document: ReportDocument) throws -> String {
    try renderLock.withLock { try LayoutEngine(document: document).layout().textDump }
  }

  /// Every figure, grid and chart as `fig-NN-id.png` (at `dpi`) and `fig-NN-id.svg`, drawn by the
  /// same code as the PDF at the text width. Names are unique; the caller writes the files.
  public func figureFiles(_ document: ReportDocument, dpi: Double = 192) throws -> [(name: String, data: Data)] {
    try renderLock.withLock {
      // The figure boxes the page layout makes: one rule for what is a figure.
      let engine = try LayoutEngine(document: document)
      let builder = FigureGeometryBuilder(fonts: engine.fonts, words: engine.outline.words)
      var files: [(name: String, data: Data)] = []
      for case .figure(let box) in try engine.bodyBlocks() {
        let geometry = try builder.build(box, width: PageStyle.contentWidth, maxHeight: PageStyle.contentHeight)
        let stem = figureFileStem(number: box.number, id: box.id)
        // A thin white margin so pictures do not touch the slide or page they are pasted into.
        let margin = 6.0
        let (width, height) = (geometry.width + 2 * margin, geometry.height + 2 * margin)
        let png = try CairoSurface.image(width: Int((width * dpi / 72).rounded(.up)), height: Int((height * dpi / 72).rounded(.up)))
        let pngCanvas = try Canvas(surface: png)
        pngCanvas.fillRect(x: 0, y: 0, width: width * dpi / 72 + 1, height: height * dpi / 72 + 1, color: RGB(255, 255, 255))
        pngCanvas.scale(dpi / 72)
        try paintFigure(geometry, on: pngCanvas, x: margin, y: margin)
        try pngCanvas.checkStatus()
        files.append((stem + ".png", try png.pngData()))
        let svg = try CairoSurface.svg(width: width, height: height)
        do {
          let svgCanvas = try Canvas(surface: svg)
          try paintFigure(geometry, on: svgCanvas, x: margin, y: margin)
          try svgCanvas.checkStatus()
        }
        files.append((stem + ".svg", try svg.finish()))
      }
      return files
    }
  }

  private func pageSurface(dpi: Double) throws -> CairoSurface {
    guard dpi > 0, dpi <= 600 else {
      throw RenderingError.layout("page preview resolution \(dpi) dpi is outside 1...600")
    }
    return try CairoSurface.image(width: Int((PageStyle.pageWidth * dpi / 72).rounded()),
                                  height: Int((PageStyle.pageHeight * dpi / 72).rounded()))
  }

  private func addOutline(_ plan: PagePlan, to surface: CairoSurface) {
    var parent: Int32 = 0
    for heading in plan.headings where heading.inContents {
      guard let location = plan.headingLocations[heading.index] else { continue }
      let title = heading.number.isEmpty ? heading.text : "\(heading.number) \(heading.text)"
      let id = surface.addOutline(parent: heading.level == 1 ? 0 : parent, title: title, page: location.page,
                                  x: PageStyle.marginLeft, y: max(0, location.y - 8), open: heading.level == 1)
      if heading.level == 1 { parent = id }
    }
  }
}

/// PDF dates must be ISO 8601; a document date "YYYY-MM-DD" is used, anything else gives a fixed
/// epoch so the bytes never depend on the clock.
func pdfDate(_ date: String?) -> String {
  let pattern = /^\d{4}-\d{2}-\d{2}$/
  if let date, date.wholeMatch(of: pattern) != nil { return date + "T00:00:00Z" }
  return "2000-01-01T00:00:00Z"
}

extension PagedRenderer {
  /// Glyphs drawn as "missing" boxes over the whole paged document (0 when every character of
  /// every text, Korean included, has a font).
  public func missingGlyphCount(_ document: ReportDocument) throws -> Int {
    try renderLock.withLock {
      let plan = try LayoutEngine(document: document).layout()
      return plan.pages.flatMap(\.items).flatMap(\.layouts).map(\.unknownGlyphCount).reduce(0, +)
    }
  }

  /// Decodes a PNG into straight RGBA (for comparing page previews with goldens).
  public static func decodePNG(_ data: Data) throws -> RasterImage {
    try renderLock.withLock { try CairoSurface.decodePNG(data).rasterImage() }
  }

  /// Encodes straight RGBA as PNG.
  public static func encodePNG(_ image: RasterImage) throws -> Data {
    try renderLock.withLock { try pngData(image) }
  }
}

extension PlacedItem {
  /// Every text layout the item draws.
  var layouts: [TextLayout] {
    switch content {
    case .text(let layout): return [layout]
    case .tocEntry(_, let number, let title, _): return [title] + (number.map { [$0] } ?? [])
    case .heading(let box): return [box.layout]
    case .textSlice(let box, _, _): return [box.layout] + (box.marker.map { [$0] } ?? [])
    case .table(let box, let rows, _):
      return (box.caption.map { [$0] } ?? []) + box.header + rows.flatMap { box.rows[$0] }
    case .figure(_, let geometry): return geometry.texts.map(\.layout) + (geometry.chart?.layouts ?? [])
    case .rule: return []
    }
  }
}
