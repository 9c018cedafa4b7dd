// Draws one planned page onto any Cairo canvas in points: the same code makes PDF pages and PNG
// previews (the PNG canvas is scaled by dpi/72 first).
import Document

struct PagePainter {
  let plan: PagePlan
  let fonts: FontSystem

  func paint(_ page: PlannedPage, on canvas: Canvas) throws {
    try paintRunningHeader(page, on: canvas)
    for item in page.items {
      switch item.content {
      case .text(let layout):
        layout.draw(on: canvas, x: item.x, y: item.y)
      case .tocEntry(let heading, let number, let title, let titleX):
        try paintContentsEntry(heading, number: number, title: title, titleX: titleX, item: item, on: canvas)
      case .heading(let box):
        canvas.beginDestination(box.heading.anchor)
        box.layout.draw(on: canvas, x: item.x, y: item.y)
        canvas.endDestination()
        if box.heading.level == 1 {
          let lineY = item.y + item.height - 1
          canvas.line(from: (item.x, lineY), to: (item.x + item.width, lineY), color: PageStyle.faint, width: 0.6)
        }
      case .textSlice(let box, let top, let bottom):
        paintText(box, sliceTop: top, sliceBottom: bottom, item: item, page: page.number, on: canvas)
      case .table(let box, let rows, let withCaption):
        paintTable(box, rows: rows, withCaption: withCaption, item: item, on: canvas)
      case .figure(let box, let geometry):
        // "fig-N", the same anchor as the HTML, so Markdown links like [Figure 2](#fig-2) work in both.
        canvas.beginDestination("fig-\(box.number)")
        try paintFigure(geometry, on: canvas, x: item.x, y: item.y)
        canvas.endDestination()
      case .rule:
        canvas.line(from: (item.x, item.y), to: (item.x + item.width, item.y), color: PageStyle.faint, width: 0.5)
      }
    }
  }

  private func paintRunningHeader(_ page: PlannedPage, on canvas: Canvas) throws {
    let grey = "<span foreground=\"\(PageStyle.muted.hex)\">"
    let width = PageStyle.contentWidth
    let x = PageStyle.marginLeft
    if page.number > 1 {
      let half = width / 2 - 6
      let title = try TextLayout(fonts: fonts, markup: grey + escapeMarkup(plan.title) + "</span>",
                                 font: PageStyle.font(PageStyle.smallSize), width: half, singleLine: true)
      title.draw(on: canvas, x: x, y: PageStyle.headerY)
      if !page.section.isEmpty {
        let section = try TextLayout(fonts: fonts, markup: grey + escapeMarkup(page.section) + "</span>",
                                     font: PageStyle.font(PageStyle.smallSize), width: half, alignment: .right, singleLine: true)
        section.draw(on: canvas, x: x + width - half, y: PageStyle.headerY)
      }
      let lineY = PageStyle.headerY + max(title.height, 9) + 4
      canvas.line(from: (x, lineY), to: (x + width, lineY), color: PageStyle.faint, width: 0.4)
    }
    let number = try TextLayout(fonts: fonts, markup: grey + "\(page.number) / \(plan.pages.count)</span>",
                                font: PageStyle.font(PageStyle.smallSize), width: width, alignment: .center)
    number.draw(on: canvas, x: x, y: PageStyle.footerY)
  }

  private func paintContentsEntry(_ heading: NumberedHeading, number: TextLayout?, title: TextLayout, titleX: Double,
                                  item: PlacedItem, on canvas: Canvas) throws {
    guard let location = plan.headingLocations[heading.index] else { return }
    let level1 = heading.level == 1
    let font = PageStyle.font(level1 ? 9.5 : 9, bold: level1)
    let pageLabel = try TextLayout(fonts: fonts, markup: "\(location.page)", font: font, width: 30, alignment: .right)
    canvas.beginInternalLink(destination: heading.anchor)
    let indent = level1 ? 0.0 : 20.0
    number?.draw(on: canvas, x: item.x + indent, y: item.y, color: level1 ? PageStyle.text : PageStyle.muted)
    title.draw(on: canvas, x: item.x + titleX, y: item.y)
    pageLabel.draw(on: canvas, x: item.x + item.width - 30, y: item.y)
    // Dot leaders from the end of a one-line title to the page number.
    if title.lineBounds.count == 1 {
      let start = item.x + titleX + title.size.width + 6
      let end = item.x + item.width - 30 + (30 - pageLabel.size.width) - 6
      let baseline = item.y + title.firstBaseline
      var dotX = (start / 4).rounded(.up) * 4  // aligned to a 4 pt grid so leaders line up
      while dotX < end {
        canvas.fillCircle(x: dotX, y: baseline - 0.6, radius: 0.45, color: PageStyle.muted)
        dotX += 4
      }
    }
    canvas.endLink()
  }

  private func paintText(_ box: TextBox, sliceTop: Double, sliceBottom: Double, item: PlacedItem, page: Int, on canvas: Canvas) {
    let x = item.x + box.indent
    let width = item.width - box.indent
    if let background = box.background {
      canvas.fillRect(x: x, y: item.y, width: width, height: item.height, color: background)
    }
    if let bar = box.leftBar {
      canvas.fillRect(x: x - 9, y: item.y, width: 2, height: item.height, color: bar)
    }
    if sliceTop == 0, let marker = box.marker {
      marker.draw(on: canvas, x: x - 18, y: item.y + box.padding, color: PageStyle.muted)
    }
    let textTop = item.y + box.padding - sliceTop
    canvas.save()
    // A little slack above/below so descenders and accents of the edge lines are not cut.
    canvas.clip(x: x - 2, y: item.y + box.padding - (sliceTop == 0 ? 4 : 0), width: width + 4,
                height: sliceBottom - sliceTop + (sliceTop == 0 ? 4 : 0) + 2)
    box.layout.draw(on: canvas, x: x + box.padding, y: textTop)
    canvas.restore()
    for link in box.links {
      for rect in box.layout.rectangles(byteRange: link.byteRange) where rect.y >= sliceTop && rect.y < sliceBottom {
        canvas.addURILink(link.uri, x: x + box.padding + rect.x, y: textTop + rect.y, width: rect.width, height: rect.height)
      }
    }
  }

  private func paintTable(_ box: TableBox, rows: Range<Int>, withCaption: Bool, item: PlacedItem, on canvas: Canvas) {
    var y = item.y
    if withCaption, let caption = box.caption {
      caption.draw(on: canvas, x: item.x, y: y)
      y += box.captionHeight
    }
    let right = item.x + box.width
    canvas.line(from: (item.x, y), to: (right, y), color: PageStyle.text, width: 0.8)
    func drawRow(_ cells: [TextLayout], height: Double) {
      var x = item.x
      for (cell, width) in zip(cells, box.columnWidths) {
        cell.draw(on: canvas, x: x + TableBox.cellPaddingX, y: y + TableBox.cellPaddingY)
        x += width
      }
      y += height
    }
    if !box.header.isEmpty {
      drawRow(box.header, height: box.headerHeight)
      canvas.line(from: (item.x, y), to: (right, y), color: PageStyle.muted, width: 0.5)
    }
    for row in rows {
      if row > rows.lowerBound {
        canvas.line(from: (item.x, y), to: (right, y), color: RGB(0xec, 0xee, 0xf0), width: 0.4)
      }
      drawRow(box.rows[row], height: box.rowHeights[row])
    }
    canvas.line(from: (item.x, y), to: (right, y), color: PageStyle.text, width: 0.8)
  }
}
