// Numbering shared by both backends: headings (1, 1.1, 1.1.1), figures and tables, and the split of
// Markdown prose into top-level blocks so headings written as `## ...` are numbered like explicit ones.
import Document

struct NumberedHeading: Sendable {
  /// Position among all headings, 0-based.
  let index: Int
  let level: Int
  /// "2.1" for levels 1...3, "" deeper.
  let number: String
  let text: String
  /// HTML id, e.g. "sec-2-1".
  let anchor: String
  /// Levels 1 and 2 are listed in the table of contents and the PDF outline.
  var inContents: Bool { level <= 2 }
}

enum OutlineItem: Sendable {
  case heading(NumberedHeading)
  /// One top-level Markdown block other than a heading.
  case markdown(MarkdownNode)
  case figure(Figure, number: Int)
  case grid(Grid, number: Int)
  case chart(Chart, number: Int)
  case table(Table, number: Int)
  case pageBreak
}

/// Words the report prints, in the document's language (Korean or English).
struct ReportWords: Sendable {
  let figure: String
  let table: String
  let contents: String

  init(language: String?) {
    if language?.lowercased().hasPrefix("ko") == true {
      figure = "그림"
      table = "표"
      contents = "목차"
    } else {
      figure = "Figure"
      table = "Table"
      contents = "Contents"
    }
  }
}

struct DocumentOutline: Sendable {
  let document: ReportDocument
  let items: [OutlineItem]
  let headings: [NumberedHeading]
  let words: ReportWords

  init(_ document: ReportDocument) {
    self.document = document
    words = ReportWords(language: document.language)
    var items: [OutlineItem] = []
    var headings: [NumberedHeading] = []
    var counters = [0, 0, 0]
    var figureCount = 0
    var tableCount = 0

    // Notes often keep `#` for the title and start sections at `##`: the shallowest heading level
    // used becomes level 1, so sections are numbered 1, 2 rather than 0.1, 0.2.
    let shallowest = DocumentOutline.shallowestHeadingLevel(document.blocks)
    func addHeading(level: Int, text: String) {
      let clamped = min(max(level - shallowest + 1, 1), 6)
      var number = ""
      if clamped <= 3 {
        counters[clamped - 1] += 1
        for deeper in clamped..<3 { counters[deeper] = 0 }
        number = counters[0..<clamped].map(String.init).joined(separator: ".")
      }
      let anchor = number.isEmpty ? "sec-u\(headings.count + 1)" : "sec-" + number.replacingOccurrences(of: ".", with: "-")
      let heading = NumberedHeading(index: headings.count, level: clamped, number: number, text: text, anchor: anchor)
      headings.append(heading)
      items.append(.heading(heading))
    }

    let references = DocumentOutline.figureReferences(document.blocks, word: words.figure)
    for block in document.blocks {
      switch block {
      case .heading(let level, let text):
        addHeading(level: level, text: text)
      case .markdown(let source):
        for node in MarkdownParser.parse(source, references: references) {
          if node.type == "heading" {
            addHeading(level: node.headingLevel, text: node.plainText)
          } else {
            items.append(.markdown(node))
          }
        }
      case .figure(let figure):
        figureCount += 1
        items.append(.figure(figure, number: figureCount))
      case .grid(let grid):
        figureCount += 1
        items.append(.grid(grid, number: figureCount))
      case .chart(let chart):
        figureCount += 1
        items.append(.chart(chart, number: figureCount))
      case .table(let table):
        tableCount += 1
        items.append(.table(table, number: tableCount))
      case .pageBreak:
        items.append(.pageBreak)
      }
    }
    self.items = items
    self.headings = headings
  }
}

extension DocumentOutline {
  /// Label -> ("그림 12", "fig-12") for every labelled figure, grid and chart, numbered as above
  /// (one counter for all three); the link text keeps word and number on one line.
  static func figureReferences(_ blocks: [Block], word: String) -> [String: (text: String, anchor: String)] {
    var references: [String: (text: String, anchor: String)] = [:]
    var number = 0
    for block in blocks {
      let label: String?
      switch block {
      case .figure(let figure): label = figure.label
      case .grid(let grid): label = grid.label
      case .chart(let chart): label = chart.label
      case .heading, .markdown, .table, .pageBreak: continue
      }
      number += 1
      if let label, references[label] == nil { references[label] = ("\(word)\u{00A0}\(number)", "fig-\(number)") }
    }
    return references
  }

  static func shallowestHeadingLevel(_ blocks: [Block]) -> Int {
    var shallowest = 6
    for block in blocks {
      switch block {
      case .heading(let level, _):
        shallowest = min(shallowest, level)
      case .markdown(let source):
        for node in MarkdownParser.parse(source) where node.type == "heading" {
          shallowest = min(shallowest, node.headingLevel)
        }
      default:
        continue
      }
    }
    return max(1, shallowest)
  }
}

/// "fig-03-grad-cam": a file-name-safe stem from a figure number and id.
func figureFileStem(number: Int, id: String) -> String {
  let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-_")
  var slug = ""
  for character in id.lowercased() {
    if allowed.contains(character) {
      slug.append(character)
    } else if slug.last != "-" {
      slug.append("-")
    }
  }
  slug = String(slug.drop(while: { $0 == "-" }).reversed().drop(while: { $0 == "-" }).reversed())
  let paddedNumber = number < 10 ? "0\(number)" : "\(number)"
  return slug.isEmpty ? "fig-\(paddedNumber)" : "fig-\(paddedNumber)-\(slug)"
}
