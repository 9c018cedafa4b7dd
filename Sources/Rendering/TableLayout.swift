// Table column widths and cell layouts. Widths: every column gets its natural (unwrapped) width
// when all fit; otherwise columns narrower than an equal share keep theirs and the rest share the
// remaining width in proportion to their natural widths, wrapping their text.
import Document

struct TableBoxBuilder {
  let fonts: FontSystem
  let width: Double

  func build(headerMarkup: [String], rowsMarkup: [[String]], alignments: [ColumnAlignment],
             captionMarkup: String?) throws -> TableBox {
    let columnCount = max(headerMarkup.count, rowsMarkup.map(\.count).max() ?? 0, 1)
    func cell(_ row: [String], _ column: Int) -> String { column < row.count ? row[column] : "" }
    func headerCell(_ column: Int) -> String { "<b>\(cell(headerMarkup, column))</b>" }
    let font = PageStyle.font(PageStyle.tableSize)
    let pad = 2 * TableBoxBuilder.horizontalPadding

    // Natural width of each column: its widest unwrapped cell plus padding.
    var natural = [Double](repeating: 0, count: columnCount)
    for column in 0..<columnCount {
      var cells = rowsMarkup.map { cell($0, column) }
      if !headerMarkup.isEmpty { cells.append(headerCell(column)) }
      for markup in cells {
        let layout = try TextLayout(fonts: fonts, markup: markup, font: font, width: nil)
        natural[column] = max(natural[column], layout.size.width + pad)
      }
    }
    let widths = distribute(natural: natural, total: width)

    func layout(_ markup: String, column: Int) throws -> TextLayout {
      let alignment: TextAlignment
      switch column < alignments.count ? alignments[column] : .left {
      case .left: alignment = .left
      case .center: alignment = .center
      case .right: alignment = .right
      }
      return try TextLayout(fonts: fonts, markup: markup, font: font, width: max(8, widths[column] - pad),
                            alignment: alignment, lineSpacing: 1.15)
    }
    let header = headerMarkup.isEmpty ? [] : try (0..<columnCount).map { try layout(headerCell($0), column: $0) }
    let rows = try rowsMarkup.map { row in try (0..<columnCount).map { try layout(cell(row, $0), column: $0) } }
    let caption = try captionMarkup.map {
      try TextLayout(fonts: fonts, markup: "<span foreground=\"\(PageStyle.muted.hex)\">\($0)</span>",
                     font: PageStyle.font(PageStyle.captionSize), width: width, lineSpacing: 1.2)
    }
    return TableBox(caption: caption, header: header, rows: rows, columnWidths: widths)
  }

  static let horizontalPadding = TableBox.cellPaddingX

  /// Widths summing to `total` (tables span the text width, like the HTML backend's tables).
  func distribute(natural: [Double], total: Double) -> [Double] {
    let sum = natural.reduce(0, +)
    guard sum > 0 else { return natural.map { _ in total / Double(max(natural.count, 1)) } }
    if sum <= total {
      // Spread the spare width evenly so short columns are not cramped.
      let extra = (total - sum) / Double(natural.count)
      return natural.map { $0 + extra }
    }
    var widths = natural
    var fixed = Set<Int>()
    // Repeatedly fix columns that fit within an equal share of what is left.
    while true {
      let free = (0..<natural.count).filter { !fixed.contains($0) }
      let remaining = total - fixed.map { widths[$0] }.reduce(0, +)
      guard !free.isEmpty else { break }
      let share = remaining / Double(free.count)
      let small = free.filter { natural[$0] <= share }
      if small.isEmpty {
        let freeNatural = free.map { natural[$0] }.reduce(0, +)
        for column in free { widths[column] = remaining * natural[column] / freeNatural }
        break
      }
      for column in small { widths[column] = natural[column]; fixed.insert(column) }
    }
    return widths
  }
}
