// What the paginator stacks on pages: measured text, headings, tables and figures.
import Document

/// A link inside a text box: the UTF-8 byte range of the plain text it covers.
struct TextLink {
  let uri: String
  let byteRange: Range<Int>
}

/// A paragraph, list item, quote line or code block; may be split between lines across pages.
final class TextBox {
  enum Role: String { case paragraph, code, listItem = "list-item", quote }
  let role: Role
  let layout: TextLayout
  /// Bullet or number drawn left of the first line.
  let marker: TextLayout?
  let indent: Double
  let padding: Double
  let background: RGB?
  let leftBar: RGB?
  let spaceBefore: Double
  let spaceAfter: Double
  let links: [TextLink]

  init(role: Role, layout: TextLayout, marker: TextLayout? = nil, indent: Double = 0, padding: Double = 0,
       background: RGB? = nil, leftBar: RGB? = nil, spaceBefore: Double, spaceAfter: Double, links: [TextLink] = []) {
    self.role = role
    self.layout = layout
    self.marker = marker
    self.indent = indent
    self.padding = padding
    self.background = background
    self.leftBar = leftBar
    self.spaceBefore = spaceBefore
    self.spaceAfter = spaceAfter
    self.links = links
  }

  var height: Double { layout.height + 2 * padding }
}

final class HeadingBox {
  let heading: NumberedHeading
  let layout: TextLayout
  let spaceBefore: Double
  let spaceAfter: Double
  init(heading: NumberedHeading, layout: TextLayout, spaceBefore: Double, spaceAfter: Double) {
    self.heading = heading
    self.layout = layout
    self.spaceBefore = spaceBefore
    self.spaceAfter = spaceAfter
  }
}

/// A table with laid-out cells; splits between rows, repeating the header row.
final class TableBox {
  let caption: TextLayout?
  let header: [TextLayout]
  let rows: [[TextLayout]]
  let columnWidths: [Double]
  let headerHeight: Double
  let rowHeights: [Double]
  static let cellPaddingX = 5.0
  static let cellPaddingY = 3.0
  static let captionGap = 4.0

  init(caption: TextLayout?, header: [TextLayout], rows: [[TextLayout]], columnWidths: [Double]) {
    self.caption = caption
    self.header = header
    self.rows = rows
    self.columnWidths = columnWidths
    func height(_ cells: [TextLayout]) -> Double {
      (cells.map(\.height).max() ?? 0) + 2 * TableBox.cellPaddingY
    }
    headerHeight = header.isEmpty ? 0 : height(header)
    rowHeights = rows.map(height)
  }

  var width: Double { columnWidths.reduce(0, +) }
  var captionHeight: Double { caption.map { $0.height + TableBox.captionGap } ?? 0 }
  func height(rows range: Range<Int>, withCaption: Bool) -> Double {
    (withCaption ? captionHeight : 0) + headerHeight + rowHeights[range].reduce(0, +)
  }
}

/// A figure, grid or chart with its number; never split, scaled down to fit a page. Made from the
/// document's block by `FigureBox(_:number:)` (FigureGeometry.swift): `body` lays out its pictures
/// or plot, the builder adds the colorbars and the caption.
final class FigureBox {
  let number: Int
  let id: String
  let caption: String
  let colorbars: [Colorbar]
  /// Places the pictures or the plot from y = 0 in `width` at `scale`; returns the y below them.
  let body: (FigureGeometryBuilder, FigureGeometry, _ width: Double, _ scale: Double) throws -> Double

  init(number: Int, id: String, caption: String, colorbars: [Colorbar],
       body: @escaping (FigureGeometryBuilder, FigureGeometry, Double, Double) throws -> Double) {
    self.number = number
    self.id = id
    self.caption = caption
    self.colorbars = colorbars
    self.body = body
  }
}

enum PagedBlock {
  case heading(HeadingBox)
  case text(TextBox)
  case table(TableBox)
  case figure(FigureBox)
  case rule
  case pageBreak
}
