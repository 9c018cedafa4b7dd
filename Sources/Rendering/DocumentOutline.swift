// Numbering shared by both backends: headings (1, 1.1, 1.1.1), figures and tables, and the split of
// Markdown prose into top-level pieces so headings written as `## ...` are numbered like explicit ones.
// The outline does not mirror the document's blocks: it wraps each one with what it adds.
import Document

struct NumberedHeading: Sendable {
  /// Position among all headings, 0-based.
  let index: Int
  let level: Int
  /// "2.1" for levels 1...3, "" deeper.
  let number: String
  let text: String

  /// HTML id, e.g. "sec-2-1" ("sec-u4" for the fourth heading, unnumbered).
  var anchor: String { number.isEmpty ? "sec-u\(index + 1)" : "sec-" + number.replacingOccurrences(of: ".", with: "-") }
  /// Levels 1 and 2 are listed in the table of contents and the PDF outline.
  var inContents: Bool { level <= 2 }
}

/// One block of the document with its number (on the block's counter, 0 without one) and, for a
/// heading or Markdown block, its text in reading order.
struct OutlineItem: Sendable {
  enum Text: Sendable {
    case heading(NumberedHeading)
    /// One top-level Markdown node other than a heading.
    case prose(MarkdownNode)
  }
  let block: Block
  let number: Int
  let text: [Text]
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
    let references = DocumentOutline.figureReferences(document.blocks, word: words.figure)
    // Each block's text, Markdown parsed once: headings as (level, text), the other nodes as they are.
    var counts: [Block.Counter: Int] = [:]
    let parsed = document.blocks.map { block -> (block: Block, number: Int, text: [ParsedText]) in
      var number = 0
      if let counter = block.counter {
        counts[counter, default: 0] += 1
        number = counts[counter] ?? 0
      }
      switch block {
      case .heading(let level, let text):
        return (block, number, [.heading(level, text)])
      case .markdown(let source):
        return (block, number, MarkdownParser.parse(source, references: references).map {
          $0.type == "heading" ? .heading($0.headingLevel, $0.plainText) : .prose($0)
        })
      case .figure, .grid, .chart, .table, .pageBreak:
        return (block, number, [])
      }
    }
    // Notes often keep `#` for the title and start sections at `##`: the shallowest heading level
    // used becomes level 1, so sections are numbered 1, 2 rather than 0.1, 0.2.
    let levels = parsed.flatMap(\.text).compactMap { if case .heading(let level, _) = $0 { return level } else { return nil } }
    let shallowest = max(1, min(6, levels.min() ?? 6))
    var headings: [NumberedHeading] = []
    var counters = [0, 0, 0]
    func numbered(level: Int, text: String) -> NumberedHeading {
      let clamped = min(max(level - shallowest + 1, 1), 6)
      var number = ""
      if clamped <= 3 {
        counters[clamped - 1] += 1
        for deeper in clamped..<3 { counters[deeper] = 0 }
        number = counters[0..<clamped].map(String.init).joined(separator: ".")
      }
      let heading = NumberedHeading(index: headings.count, level: clamped, number: number, text: text)
      headings.append(heading)
      return heading
    }
    items = parsed.map { entry in
      OutlineItem(block: entry.block, number: entry.number, text: entry.text.map { piece in
        switch piece {
        case .heading(let level, let text): return .heading(numbered(level: level, text: text))
        case .prose(let node): return .prose(node)
        }
      })
    }
    self.headings = headings
  }

  /// A piece of text before its heading is numbered.
  private enum ParsedText {
    case heading(Int, String)
    case prose(MarkdownNode)
  }
}

extension DocumentOutline {
  /// Label -> ("그림 12", "fig-12") for every labelled block on the figure counter (figures, grids
  /// and charts, numbered as above); the link text keeps word and number on one line.
  static func figureReferences(_ blocks: [Block], word: String) -> [String: (text: String, anchor: String)] {
    var references: [String: (text: String, anchor: String)] = [:]
    var number = 0
    for block in blocks where block.counter == .figure {
      number += 1
      if let label = block.label, references[label] == nil { references[label] = ("\(word)\u{00A0}\(number)", "fig-\(number)") }
    }
    return references
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
