// The result of pagination: what sits where on every page, plus a stable text dump for tests.
import Document
import Foundation

enum PlacedContent {
  case text(TextLayout)
  case tocEntry(heading: NumberedHeading, number: TextLayout?, title: TextLayout, titleX: Double)
  case heading(HeadingBox)
  /// Lines of `box` whose layout y lies in sliceTop..<sliceBottom.
  case textSlice(TextBox, sliceTop: Double, sliceBottom: Double)
  case table(TableBox, rows: Range<Int>, withCaption: Bool)
  case figure(FigureBox, FigureGeometry)
  case rule
}

struct PlacedItem {
  let content: PlacedContent
  let x: Double
  let y: Double
  let width: Double
  let height: Double

  /// Block kind for the dump: title, toc-entry, heading, paragraph, code, list-item, quote, table, figure, rule.
  var kind: String {
    switch content {
    case .text: return "text"
    case .tocEntry: return "toc-entry"
    case .heading: return "heading"
    case .textSlice(let box, _, _): return box.role.rawValue
    case .table: return "table"
    case .figure: return "figure"
    case .rule: return "rule"
    }
  }

  /// The first characters of the item's text (for figures their number and id).
  var textStart: String {
    let full: String
    switch content {
    case .text(let layout): full = layout.text
    case .tocEntry(let heading, _, _, _): full = "\(heading.number) \(heading.text)"
    case .heading(let box): full = box.layout.text
    case .textSlice(let box, let top, _): full = (top > 0 ? "… " : "") + box.layout.text
    case .table(let box, let rows, _):
      full = "rows \(rows.lowerBound)-\(rows.upperBound - 1): " + (box.header.map(\.text).joined(separator: " | "))
    case .figure(let box, _): full = "#\(box.number) \(box.id)"
    case .rule: full = ""
    }
    let flat = full.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\u{2060}", with: "")
    return flat.count > 40 ? String(flat.prefix(40)) + "…" : flat
  }
}

struct PlannedPage {
  /// 1-based.
  let number: Int
  var items: [PlacedItem] = []
  /// Text of the latest level-1 heading at or before this page, for the running header.
  var section: String = ""
  var startsChapter = false
}

final class PagePlan {
  let title: String
  var pages: [PlannedPage] = []
  /// Heading index -> where it was placed (1-based page, top y).
  var headingLocations: [Int: (page: Int, y: Double)] = [:]
  let headings: [NumberedHeading]

  init(title: String, headings: [NumberedHeading]) {
    self.title = title
    self.headings = headings
  }

  /// One line per page and per item: `page 2` then `  heading y=76.00 h=20.40 level=2 "1.2 Title"`
  /// (contents entries add `page=N`, figures drawn smaller than their natural size `scale=0.9`).
  var textDump: String {
    var lines: [String] = []
    for page in pages {
      lines.append("page \(page.number)" + (page.section.isEmpty ? "" : " [\(page.section)]"))
      for item in page.items {
        var line = "  \(item.kind) y=\(formatNumber(item.y)) h=\(formatNumber(item.height))"
        switch item.content {
        case .tocEntry(let heading, _, _, _):
          if let location = headingLocations[heading.index] { line += " page=\(location.page)" }
        case .heading(let box):
          line += " level=\(box.heading.level)"
        case .figure(_, let geometry) where geometry.scale < 1:
          line += " scale=\(formatNumber(geometry.scale))"
        default:
          break
        }
        line += " \"\(item.textStart)\""
        lines.append(line)
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
