// The report as plain values: what both backends (PDF/PNG via Cairo, HTML via Mustache) render.
// Nothing here touches a C library or the file system, so notebooks can build documents freely
// and tests can construct them by hand.

/// A whole report: a title block followed by blocks in reading order.
public struct ReportDocument: Sendable, Equatable, Codable {
  public var title: String
  public var subtitle: String?
  public var author: String?
  /// Free text ("2026-11-26", "2학기 3주차"); a string, never the clock, so renders are deterministic.
  public var date: String?
  /// BCP 47 tag such as "ko" or "en"; picks the HTML `lang` and the words "Figure"/"Contents".
  public var language: String?
  public var blocks: [Block]

  public init(
    title: String, subtitle: String? = nil, author: String? = nil, date: String? = nil,
    language: String? = nil, blocks: [Block] = []
  ) {
    self.title = title
    self.subtitle = subtitle
    self.author = author
    self.date = date
    self.language = language
    self.blocks = blocks
  }
}

/// One unit of content. Headings (explicit or `#` lines inside Markdown) are numbered 1, 1.1, 1.1.1;
/// figures, grids and charts share one figure counter.
public indirect enum Block: Sendable, Equatable, Codable {
  /// Level 1...6, relative: the shallowest level used in the document counts as the top (so notes
  /// that start sections at `##` number them 1, 2, ...). The top two levels appear in the table of
  /// contents and PDF bookmarks, the top three are numbered.
  case heading(level: Int, text: String)
  /// CommonMark + GFM tables; raw HTML is omitted by both backends.
  case markdown(String)
  /// One or more images side by side with one caption.
  case figure(Figure)
  /// Many small tiles (filters, activations, neighbours), each with a short label.
  case grid(Grid)
  /// A scatter or line plot drawn as vectors.
  case chart(Chart)
  case table(Table)
  /// Starts a new page in paged output; ignored in HTML.
  case pageBreak
}

extension Block {
  /// The counters that number blocks: figures, grids and charts share the figure counter ("그림 3"),
  /// tables have their own.
  public enum Counter: Sendable, Hashable { case figure, table }

  /// The counter that numbers this block; nil for blocks without a number.
  public var counter: Counter? {
    switch self {
    case .figure, .grid, .chart: return .figure
    case .table: return .table
    case .heading, .markdown, .pageBreak: return nil
    }
  }

  /// The name prose refers to the block by (`@fig-gradcam`, see `FigureReference`): figures, grids
  /// and charts have one; setting it on another block changes nothing.
  public var label: String? {
    get {
      switch self {
      case .figure(let figure): return figure.label
      case .grid(let grid): return grid.label
      case .chart(let chart): return chart.label
      case .heading, .markdown, .table, .pageBreak: return nil
      }
    }
    set {
      switch self {
      case .figure(var figure): figure.label = newValue; self = .figure(figure)
      case .grid(var grid): grid.label = newValue; self = .grid(grid)
      case .chart(var chart): chart.label = newValue; self = .chart(chart)
      case .heading, .markdown, .table, .pageBreak: break
      }
    }
  }
}

/// A table of plain-text cells (no Markdown inside; use `.markdown` with a GFM table for that).
public struct Table: Sendable, Equatable, Codable {
  public var header: [String]
  public var rows: [[String]]
  public var caption: String?
  /// One per column; shorter arrays leave the remaining columns left-aligned.
  public var alignments: [ColumnAlignment]

  public init(header: [String], rows: [[String]], caption: String? = nil, alignments: [ColumnAlignment] = []) {
    self.header = header
    self.rows = rows
    self.caption = caption
    self.alignments = alignments
  }
}

public enum ColumnAlignment: String, Sendable, Equatable, Codable {
  case left, center, right
}
