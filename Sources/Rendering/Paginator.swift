// Lays blocks onto A4 pages top to bottom. Rules: space above a block is dropped at a page top;
// headings move to the next page unless they fit together with the start of what follows;
// text splits between lines (at least two lines on each side), tables between rows (header
// repeated), figures never split (they are laid out no taller than a page). A figure that does
// not fit the space left is shrunk by up to 15 % to fit; failing that, the prose and tables after
// it flow up to fill this page and the figure opens the next one (LaTeX's float to the next
// page). Headings flow up too, but only while the page is more than a third empty; nothing flows
// past another figure, a level-1 heading or a page break, so figures keep their order and never
// drift more than a page from where they were written.
import Document

final class Paginator {
  private let plan: PagePlan
  private var current: PlannedPage
  private var y = PageStyle.marginTop
  private let left = PageStyle.marginLeft
  private let width = PageStyle.contentWidth
  private let bottom = PageStyle.contentBottom
  private var section = ""

  init(plan: PagePlan) {
    self.plan = plan
    current = PlannedPage(number: 1)
  }

  private var atTop: Bool { current.items.isEmpty }
  static let figureSpaceBefore = 8.0
  static let figureSpaceAfter = 14.0
  /// A figure may be drawn this much smaller than its natural size to stay on a page.
  static let smallestFigureScale = 0.85
  /// Figures waiting, in order, for the top of the next page while later text fills this one.
  private var deferred: [(box: FigureBox, geometry: FigureGeometry)] = []

  /// Starts a new page, which opens with the figures waiting for it.
  func newPage() {
    startPage()
    placeDeferred()
  }

  private func startPage() {
    plan.pages.append(current)
    current = PlannedPage(number: current.number + 1, section: section)
    y = PageStyle.marginTop
  }

  /// A page more than a third empty: headings may flow up past a waiting figure to fill it.
  private var mostlyEmpty: Bool { (bottom - y) / PageStyle.contentHeight > 1.0 / 3 }

  /// Closes the last page and returns the plan.
  func finish() -> PagePlan {
    if !deferred.isEmpty { newPage() }
    if !current.items.isEmpty || plan.pages.isEmpty { plan.pages.append(current) }
    return plan
  }

  /// Every waiting figure, in order, from the top of this fresh page (on further pages if needed).
  private func placeDeferred() {
    while let first = deferred.first {
      if !atTop && y + Paginator.figureSpaceBefore + first.geometry.height > bottom { startPage() }
      deferred.removeFirst()
      placeFigure(first.box, first.geometry)
    }
  }

  private func placeFigure(_ box: FigureBox, _ geometry: FigureGeometry) {
    placeWhole(.figure(box, geometry), height: geometry.height, spaceBefore: Paginator.figureSpaceBefore,
               spaceAfter: Paginator.figureSpaceAfter)
  }

  /// The figure as it fits `space` here: at its natural size, or shrunk by at most 15 %.
  private func fitting(_ box: FigureBox, in space: Double) -> FigureGeometry? {
    guard let natural = figureGeometry(box, PageStyle.contentHeight) else { return nil }
    if natural.height <= space { return natural }
    guard space > 0, let smaller = figureGeometry(box, space), smaller.height <= space,
          smaller.scale >= Paginator.smallestFigureScale * natural.scale else { return nil }
    return smaller
  }

  /// Space left on this page for a block with `spaceBefore` above it.
  private func space(before spaceBefore: Double) -> Double { bottom - y - (atTop ? 0 : spaceBefore) }

  /// Blocks that may be laid out before a figure that waits for the next page.
  private func flows(_ block: PagedBlock?) -> Bool {
    switch block {
    case .text, .table, .rule: return true
    case .heading(let box): return box.heading.level > 1
    case .figure, .pageBreak, nil: return false
    }
  }

  /// Places an unsplittable item of `height`, first moving to a new page if it does not fit.
  func placeWhole(_ content: PlacedContent, x: Double? = nil, height: Double, spaceBefore: Double, spaceAfter: Double) {
    if !atTop && y + spaceBefore + height > bottom { newPage() }
    if !atTop { y += spaceBefore }
    current.items.append(PlacedItem(content: content, x: x ?? left, y: y, width: width, height: height))
    y += height + spaceAfter
  }

  func place(_ blocks: [PagedBlock]) {
    for (index, block) in blocks.enumerated() {
      let next = index + 1 < blocks.count ? blocks[index + 1] : nil
      switch block {
      case .pageBreak:
        if !deferred.isEmpty { newPage() }
        if !atTop { newPage() }
      case .rule:
        placeWhole(.rule, height: 0.5, spaceBefore: 6, spaceAfter: 8)
      case .heading(let box):
        // A chapter, a heading whose figure would queue behind waiting ones, or any heading once
        // the page is two-thirds full, starts after the waiting figures.
        let following = blocks[(index + 1)...]
        if !deferred.isEmpty
            && (box.heading.level == 1 || !mostlyEmpty || Paginator.firstAfterHeadings(following).map(Paginator.isFigure) == true) {
          newPage()
        }
        let height = box.layout.height + (box.heading.level == 1 ? 4 : 0)
        if !atTop && !keepsWithNext(height + box.spaceAfter, spaceBefore: box.spaceBefore, following) { newPage() }
        if box.heading.level == 1 {
          section = box.heading.number.isEmpty ? box.heading.text : "\(box.heading.number)  \(box.heading.text)"
          // The running header names the first chapter starting on a page, else the one carried over.
          if !current.startsChapter {
            current.section = section
            current.startsChapter = true
          }
        }
        placeWhole(.heading(box), height: height, spaceBefore: box.spaceBefore, spaceAfter: box.spaceAfter)
        plan.headingLocations[box.heading.index] = (current.number, current.items[current.items.count - 1].y)
      case .text(let box):
        placeText(box)
      case .table(let box):
        placeTable(box)
      case .figure(let box):
        // Geometry is built by the caller-supplied closure so the paginator stays free of fonts.
        guard let natural = figureGeometry(box, PageStyle.contentHeight) else { continue }
        if !deferred.isEmpty { newPage() }  // figures keep their order: the waiting ones first
        if let geometry = fitting(box, in: space(before: Paginator.figureSpaceBefore)) {
          placeFigure(box, geometry)
        } else if flows(next) {
          deferred.append((box, natural))
        } else {
          newPage()
          placeFigure(box, natural)
        }
      }
    }
  }

  /// Builds a figure's geometry no taller than the given height (shrinking its pictures); set by
  /// the layout engine.
  var figureGeometry: (FigureBox, Double) -> FigureGeometry? = { _, _ in nil }

  /// True when a heading of `height` (plus its space below) fits here with the start of what
  /// follows: any headings right after it, then the first lines, rows or figure of the next block.
  private func keepsWithNext(_ height: Double, spaceBefore: Double, _ following: ArraySlice<PagedBlock>) -> Bool {
    var left = space(before: spaceBefore) - height
    var rest = following
    while case .heading(let box)? = rest.first {
      left -= box.spaceBefore + box.layout.height + box.spaceAfter
      rest = rest.dropFirst()
    }
    if case .figure(let box)? = rest.first {
      return fitting(box, in: left - Paginator.figureSpaceBefore) != nil
    }
    return left >= (rest.first.map(minimumHeight) ?? 0)
  }

  /// The first block after a run of headings.
  private static func firstAfterHeadings(_ blocks: ArraySlice<PagedBlock>) -> PagedBlock? {
    blocks.first { if case .heading = $0 { return false } else { return true } }
  }

  private static func isFigure(_ block: PagedBlock) -> Bool { if case .figure = block { return true } else { return false } }

  /// The height a heading must keep with it: the first two lines of text, a whole figure, a
  /// table's caption, header and first row.
  private func minimumHeight(_ block: PagedBlock) -> Double {
    switch block {
    case .text(let box):
      let lines = box.layout.lineBounds
      let shown = lines.count <= 2 ? box.layout.height : lines[1].bottom
      return box.spaceBefore + shown + 2 * box.padding
    case .table(let box):
      return 6 + box.height(rows: 0..<min(1, box.rows.count), withCaption: true)
    case .figure(let box):
      return Paginator.figureSpaceBefore + (figureGeometry(box, PageStyle.contentHeight)?.height ?? 0)
    case .heading(let box):
      return box.spaceBefore + box.layout.height + box.spaceAfter
    case .rule, .pageBreak:
      return 0
    }
  }

  private func placeText(_ box: TextBox) {
    let lines = box.layout.lineBounds
    let padding = box.padding
    var start = 0
    while start < lines.count {
      let spaceBefore = (atTop || start > 0) ? 0 : box.spaceBefore
      let available = bottom - y - spaceBefore
      let restHeight = lines[lines.count - 1].bottom - lines[start].top + 2 * padding
      if restHeight <= available {
        placeSlice(box, lines: lines, range: start..<lines.count, spaceBefore: spaceBefore)
        return
      }
      var count = 0
      while start + count < lines.count
        && lines[start + count].bottom - lines[start].top + 2 * padding <= available {
        count += 1
      }
      let remaining = lines.count - start - count
      if remaining == 1 && count > 2 { count -= 1 }  // no widow line at the next page's top
      if count < 2 && !atTop { count = 0 }            // no orphan line at this page's bottom
      if count == 0 {
        if atTop { count = 1 } else { newPage(); continue }
      }
      placeSlice(box, lines: lines, range: start..<(start + count), spaceBefore: spaceBefore)
      start += count
      newPage()
    }
  }

  private func placeSlice(_ box: TextBox, lines: [(top: Double, bottom: Double)], range: Range<Int>, spaceBefore: Double) {
    let isLast = range.upperBound == lines.count
    let sliceTop = range.lowerBound == 0 ? 0 : lines[range.lowerBound].top
    let sliceBottom = isLast ? max(box.layout.height, lines[range.upperBound - 1].bottom) : lines[range.upperBound - 1].bottom
    let height = sliceBottom - sliceTop + 2 * box.padding
    y += spaceBefore
    current.items.append(PlacedItem(content: .textSlice(box, sliceTop: sliceTop, sliceBottom: sliceBottom),
                                    x: left, y: y, width: width, height: height))
    y += height + (isLast ? box.spaceAfter : 0)
  }

  private func placeTable(_ box: TableBox) {
    var start = 0
    let spaceBefore = 6.0
    repeat {
      let withCaption = start == 0
      let before = atTop ? 0 : spaceBefore
      var end = start
      while end < box.rows.count && y + before + box.height(rows: start..<(end + 1), withCaption: withCaption) <= bottom {
        end += 1
      }
      if end == box.rows.count || (end > start && (end - start) >= 2) || (atTop && end > start) {
        // Place what fits (all rows, or at least two before breaking).
      } else if !atTop {
        newPage()
        continue
      } else {
        end = start + 1  // a single row taller than a page: place it anyway
      }
      let height = box.height(rows: start..<end, withCaption: withCaption)
      y += before
      current.items.append(PlacedItem(content: .table(box, rows: start..<end, withCaption: withCaption),
                                      x: left, y: y, width: width, height: height))
      y += height
      start = end
      if start < box.rows.count { newPage() }
    } while start < box.rows.count
    y += 10
  }
}
