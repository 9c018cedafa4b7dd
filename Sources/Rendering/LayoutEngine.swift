// Document -> page plan: the title block and table of contents first (their page count is known
// before the body is laid out, since entries do not depend on page numbers), then the body from a
// fresh page.
import Document

final class LayoutEngine {
  let outline: DocumentOutline
  let fonts: FontSystem
  private let width = PageStyle.contentWidth

  init(document: ReportDocument) throws {
    outline = DocumentOutline(document)
    fonts = try FontSystem(language: document.language)
  }

  func layout() throws -> PagePlan {
    let plan = PagePlan(title: outline.document.title, headings: outline.headings)
    let paginator = Paginator(plan: plan)
    let figures = FigureGeometryBuilder(fonts: fonts, words: outline.words)
    // Keyed by box and height: the paginator asks for the natural layout often, shrunk ones rarely.
    var geometryCache: [String: FigureGeometry] = [:]
    var figureError: Error?
    paginator.figureGeometry = { [width] box, maxHeight in
      let key = "\(ObjectIdentifier(box).hashValue) \(maxHeight)"
      if let cached = geometryCache[key] { return cached }
      do {
        let geometry = try figures.build(box, width: width, maxHeight: maxHeight)
        geometryCache[key] = geometry
        return geometry
      } catch {
        figureError = error
        return nil
      }
    }
    try placeTitleBlock(paginator)
    // The body starts on a fresh page after a table of contents, right below the title otherwise.
    if try placeContents(paginator) { paginator.newPage() }
    paginator.place(try bodyBlocks())
    if let figureError { throw figureError }
    return paginator.finish()
  }

  private func placeTitleBlock(_ paginator: Paginator) throws {
    let document = outline.document
    let title = try TextLayout(fonts: fonts, markup: "<b>\(escapeMarkup(document.title))</b>",
                               font: PageStyle.font(21), width: width, lineSpacing: 1.1)
    paginator.placeWhole(.text(title), height: title.height, spaceBefore: 0, spaceAfter: 6)
    if let subtitle = document.subtitle, !subtitle.isEmpty {
      let layout = try TextLayout(fonts: fonts, markup: "<span foreground=\"\(PageStyle.muted.hex)\">\(escapeMarkup(subtitle))</span>",
                                  font: PageStyle.font(12.5), width: width, lineSpacing: 1.15)
      paginator.placeWhole(.text(layout), height: layout.height, spaceBefore: 0, spaceAfter: 6)
    }
    let meta = [document.author, document.date].compactMap { $0 }.filter { !$0.isEmpty }
    if !meta.isEmpty {
      let layout = try TextLayout(fonts: fonts, markup: "<span foreground=\"\(PageStyle.muted.hex)\">\(escapeMarkup(meta.joined(separator: "  ·  ")))</span>",
                                  font: PageStyle.font(9.5), width: width)
      paginator.placeWhole(.text(layout), height: layout.height, spaceBefore: 4, spaceAfter: 0)
    }
    paginator.placeWhole(.rule, height: 0.5, spaceBefore: 14, spaceAfter: 22)
  }

  /// Returns false when there are no headings to list.
  private func placeContents(_ paginator: Paginator) throws -> Bool {
    let entries = outline.headings.filter(\.inContents)
    guard !entries.isEmpty else { return false }
    let heading = try TextLayout(fonts: fonts, markup: "<b>\(escapeMarkup(outline.words.contents))</b>",
                                 font: PageStyle.font(13), width: width)
    paginator.placeWhole(.text(heading), height: heading.height, spaceBefore: 0, spaceAfter: 10)
    for entry in entries {
      let level1 = entry.level == 1
      let indent = level1 ? 0.0 : 20.0
      let numberWidth = level1 ? 20.0 : 28.0
      let font = PageStyle.font(level1 ? 9.5 : 9, bold: level1)
      let number = entry.number.isEmpty ? nil : try TextLayout(fonts: fonts, markup: escapeMarkup(entry.number), font: font, width: nil)
      // Leave 36 pt on the right for dot leaders and the page number.
      let titleX = indent + (number == nil ? 0 : numberWidth)
      let title = try TextLayout(fonts: fonts, markup: escapeMarkup(entry.text), font: font, width: width - titleX - 36)
      paginator.placeWhole(.tocEntry(heading: entry, number: number, title: title, titleX: titleX),
                           height: title.height, spaceBefore: level1 ? 5 : 1.5, spaceAfter: 0)
    }
    return true
  }

  /// The document's blocks as the paginator's boxes, one case per block kind.
  func bodyBlocks() throws -> [PagedBlock] {
    let markdown = MarkdownLayoutBuilder(fonts: fonts, width: width)
    var blocks: [PagedBlock] = []
    for item in outline.items {
      switch item.block {
      case .heading, .markdown:
        for piece in item.text {
          switch piece {
          case .heading(let heading): blocks.append(.heading(try headingBox(heading)))
          case .prose(let node): blocks += try markdown.blocks(for: node)
          }
        }
      case .figure(let figure):
        blocks.append(.figure(FigureBox(figure, number: item.number)))
      case .grid(let grid):
        blocks.append(.figure(FigureBox(grid, number: item.number)))
      case .chart(let chart):
        blocks.append(.figure(FigureBox(chart, number: item.number)))
      case .table(let table):
        let number = item.number
        let caption = table.caption.map { "<b>\(escapeMarkup(outline.words.table)) \(number).</b> \(escapeMarkup($0))" }
        let box = try TableBoxBuilder(fonts: fonts, width: width).build(
          headerMarkup: table.header.map(escapeMarkup), rowsMarkup: table.rows.map { $0.map(escapeMarkup) },
          alignments: table.alignments, captionMarkup: caption)
        blocks.append(.table(box))
      case .pageBreak:
        blocks.append(.pageBreak)
      }
    }
    return blocks
  }

  private func headingBox(_ heading: NumberedHeading) throws -> HeadingBox {
    let style = PageStyle.heading(heading.level)
    let number = heading.number.isEmpty ? "" : "<span foreground=\"\(PageStyle.accent.hex)\">\(heading.number)</span>  "
    let layout = try TextLayout(fonts: fonts, markup: "<b>\(number)\(escapeMarkup(heading.text))</b>",
                                font: PageStyle.font(style.size), width: width, lineSpacing: 1.1)
    return HeadingBox(heading: heading, layout: layout, spaceBefore: style.above, spaceAfter: style.below)
  }
}
