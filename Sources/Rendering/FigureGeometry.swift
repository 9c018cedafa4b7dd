// Where every part of a figure or grid goes, in points relative to the figure's top-left.
// The same geometry paints PDF pages, PNG previews and the --figures PNG/SVG exports.
import Document

struct Rect {
  var x, y, width, height: Double
}

final class FigureGeometry {
  struct PlacedImage {
    let image: RasterImage
    let rect: Rect
    let alpha: Double
    let pixelated: Bool
  }
  struct PlacedText {
    let layout: TextLayout
    let x: Double
    let y: Double
  }
  /// Available width (content is centred inside it) and total height.
  var width: Double
  var height: Double = 0
  var images: [PlacedImage] = []
  var texts: [PlacedText] = []
  var gradients: [(stops: [RGB], rect: Rect)] = []
  var frames: [Rect] = []
  /// Thin horizontal lines (under column titles that span several columns).
  var rules: [Rect] = []
  var chart: ChartGeometry?
  /// Height of the scalable part (pictures or plot) when laid out; used to shrink tall figures.
  var scalableHeight: Double = 0
  /// Picture scale relative to the figure's natural size (1 unless shrunk to fit).
  var scale = 1.0

  init(width: Double) { self.width = width }
}

struct FigureGeometryBuilder {
  let fonts: FontSystem
  let words: ReportWords
  static let panelGap = 8.0
  static let tileGap = 5.0
  /// A row of one or two pictures is not blown up to the full text width: at most this tall, so two
  /// such figures with their captions share an A4 page (at 230 pt each took 52 % of one, and a run of
  /// short sections each with one left the pages 25-48 % empty and the figures a section late).
  static let maximumPanelHeight = 180.0

  /// Lays out `box` in `width`, shrinking pictures until the whole figure fits `maxHeight`.
  func build(_ box: FigureBox, width: Double, maxHeight: Double) throws -> FigureGeometry {
    var scale = 1.0
    var geometry = try build(box, width: width, scale: scale)
    // Text heights stay fixed while the pictures shrink linearly with `scale`; two passes settle
    // rounding from wrapped labels.
    for _ in 0..<3 where geometry.height > maxHeight && geometry.scalableHeight > 0 {
      let fixed = geometry.height - geometry.scalableHeight
      let target = max(24, maxHeight - fixed)
      scale *= min(1, target / geometry.scalableHeight)
      geometry = try build(box, width: width, scale: scale)
    }
    geometry.scale = scale
    return geometry
  }

  private func build(_ box: FigureBox, width: Double, scale: Double) throws -> FigureGeometry {
    let geometry = FigureGeometry(width: width)
    var y = try box.body(self, geometry, width, scale)
    if !box.colorbars.isEmpty { y = try colorbarRow(box.colorbars, into: geometry, y: y + 8) }
    y = try captionRow(box.caption, number: box.number, into: geometry, y: y + 6)
    geometry.height = y
    return geometry
  }

  /// Panels side by side at one common height, centred; returns the y below them and their labels.
  fileprivate func panelRow(_ panels: [FigurePanel], into geometry: FigureGeometry, x: Double, y: Double, width: Double,
                        maxPanelHeight: Double, scale: Double, labelSize: Double) throws -> Double {
    guard !panels.isEmpty else { return y }
    let gap = panels.count > 1 ? FigureGeometryBuilder.panelGap * min(1, width / 200) : 0
    let aspects = panels.map { Double($0.image.width) / Double($0.image.height) }
    // Height h with sum(aspect_i * h) + gaps = width.
    let fitting = (width - gap * Double(panels.count - 1)) / aspects.reduce(0, +)
    let panelHeight = max(1, min(fitting * scale, maxPanelHeight))
    let rowWidth = aspects.map { $0 * panelHeight }.reduce(0, +) + gap * Double(panels.count - 1)
    var left = x + (width - rowWidth) / 2
    var labelBottom = y + panelHeight
    for (panel, aspect) in zip(panels, aspects) {
      let rect = Rect(x: left, y: y, width: aspect * panelHeight, height: panelHeight)
      if let blended = panel.blended {
        // Composited by the figure builder: exactly the raster `convlens explain` writes.
        geometry.images.append(.init(image: blended, rect: rect, alpha: 1, pixelated: panel.pixelated))
      } else {
        geometry.images.append(.init(image: panel.image, rect: rect, alpha: 1, pixelated: panel.pixelated))
        if let overlay = panel.overlay {
          geometry.images.append(.init(image: overlay, rect: rect, alpha: panel.alpha, pixelated: panel.pixelated))
        }
      }
      if let label = panel.label, !label.isEmpty {
        let layout = try TextLayout(fonts: fonts, markup: "<span foreground=\"\(PageStyle.muted.hex)\">\(escapeMarkup(label))</span>",
                                    font: PageStyle.font(labelSize), width: max(rect.width + gap, 12), alignment: .center)
        geometry.texts.append(.init(layout: layout, x: rect.x - gap / 2, y: y + panelHeight + 2))
        labelBottom = max(labelBottom, y + panelHeight + 2 + layout.height)
      }
      left += rect.width + gap
    }
    geometry.scalableHeight += panelHeight
    return labelBottom
  }

  /// Rows of `grid.columns` tiles, each tile its panels plus a small label, under the column titles.
  fileprivate func tiles(_ grid: Grid, into geometry: FigureGeometry, width: Double, scale: Double) throws -> Double {
    let columns = max(1, min(grid.columns, max(grid.tiles.count, 1)))
    let gap = FigureGeometryBuilder.tileGap
    // A grid of one or two tiles (one class visualization) is not blown up to the text width.
    let tileWidth = min((width - gap * Double(columns - 1)) / Double(columns), FigureGeometryBuilder.maximumPanelHeight) * scale
    let gridWidth = tileWidth * Double(columns) + gap * Double(columns - 1)
    let left = (width - gridWidth) / 2
    var y = 0.0
    var scalable = 0.0
    var column = 0
    for header in grid.columnHeaders where column < columns {
      let span = min(header.span, columns - column)
      let spanWidth = tileWidth * Double(span) + gap * Double(span - 1)
      let x = left + Double(column) * (tileWidth + gap)
      let layout = try TextLayout(fonts: fonts, markup: "<b>\(escapeMarkup(header.title))</b>", font: PageStyle.font(PageStyle.smallSize),
                                  width: spanWidth, alignment: .center)
      geometry.texts.append(.init(layout: layout, x: x, y: 0))
      if span > 1 { geometry.rules.append(Rect(x: x + 2, y: layout.height + 1, width: spanWidth - 4, height: 0)) }
      y = max(y, layout.height + 3)
      column += span
    }
    for rowStart in stride(from: 0, to: grid.tiles.count, by: columns) {
      var rowBottom = y
      var rowPictureHeight = 0.0
      for (offset, tile) in grid.tiles[rowStart..<min(rowStart + columns, grid.tiles.count)].enumerated() {
        let x = left + Double(offset) * (tileWidth + gap)
        let before = geometry.scalableHeight
        let panels = tile.panels.map { panel -> FigurePanel in
          var unlabeled = panel
          unlabeled.label = nil
          return unlabeled
        }
        var bottom = try panelRow(panels, into: geometry, x: x, y: y, width: tileWidth, maxPanelHeight: .infinity,
                                  scale: 1, labelSize: PageStyle.smallSize)
        rowPictureHeight = max(rowPictureHeight, geometry.scalableHeight - before)
        geometry.scalableHeight = before
        if let frame = geometry.images.last?.rect { geometry.frames.append(frame) }
        if !tile.caption.isEmpty {
          let layout = try TextLayout(fonts: fonts, markup: "<span foreground=\"\(PageStyle.muted.hex)\">\(escapeMarkup(tile.caption))</span>",
                                      font: PageStyle.font(PageStyle.smallSize), width: tileWidth + gap, alignment: .center)
          geometry.texts.append(.init(layout: layout, x: x - gap / 2, y: bottom + 1.5))
          bottom += 1.5 + layout.height
        }
        rowBottom = max(rowBottom, bottom)
      }
      scalable += rowPictureHeight
      y = rowBottom + gap
    }
    geometry.scalableHeight += scalable
    return max(0, y - gap)
  }

  /// Colorbars side by side, each centred in an equal share of the width: title above, the
  /// gradient with its end labels left and right.
  private func colorbarRow(_ colorbars: [Colorbar], into geometry: FigureGeometry, y: Double) throws -> Double {
    let slot = geometry.width / Double(colorbars.count)
    var bottom = y
    for (index, colorbar) in colorbars.enumerated() {
      bottom = max(bottom, try colorbarCell(colorbar, into: geometry, x: slot * Double(index), width: slot, y: y))
    }
    return bottom
  }

  private func colorbarCell(_ colorbar: Colorbar, into geometry: FigureGeometry, x: Double, width: Double, y: Double) throws -> Double {
    let barWidth = min(180, width * 0.55)
    let barHeight = 7.0
    let barX = x + (width - barWidth) / 2
    let font = PageStyle.font(PageStyle.smallSize)
    let grey = "<span foreground=\"\(PageStyle.muted.hex)\">"
    var top = y
    if !colorbar.title.isEmpty {
      let title = try TextLayout(fonts: fonts, markup: grey + escapeMarkup(colorbar.title) + "</span>", font: font,
                                 width: width - 4, alignment: .center)
      geometry.texts.append(.init(layout: title, x: x + 2, y: top))
      top += title.height + 1
    }
    geometry.gradients.append((colorbar.colormapStops, Rect(x: barX, y: top, width: barWidth, height: barHeight)))
    let minLabel = try TextLayout(fonts: fonts, markup: grey + escapeMarkup(colorbar.minLabel) + "</span>", font: font, width: nil)
    let maxLabel = try TextLayout(fonts: fonts, markup: grey + escapeMarkup(colorbar.maxLabel) + "</span>", font: font, width: nil)
    let labelY = top + barHeight / 2 - minLabel.height / 2
    geometry.texts.append(.init(layout: minLabel, x: barX - 4 - minLabel.size.width, y: labelY))
    geometry.texts.append(.init(layout: maxLabel, x: barX + barWidth + 4, y: labelY))
    return top + max(barHeight, minLabel.height)
  }

  private func captionRow(_ caption: String, number: Int, into geometry: FigureGeometry, y: Double) throws -> Double {
    let markup = "<span foreground=\"\(PageStyle.muted.hex)\"><b>\(escapeMarkup(words.figure)) \(number).</b> \(escapeMarkup(caption))</span>"
    let font = PageStyle.font(PageStyle.captionSize)
    var layout = try TextLayout(fonts: fonts, markup: markup, font: font, width: geometry.width, lineSpacing: 1.2)
    if layout.lineBounds.count == 1 {
      layout = try TextLayout(fonts: fonts, markup: markup, font: font, width: geometry.width, alignment: .center, lineSpacing: 1.2)
    }
    geometry.texts.append(.init(layout: layout, x: 0, y: y))
    return y + layout.height
  }
}

extension FigureBox {
  /// A figure: its panels side by side, its colorbar.
  convenience init(_ figure: Figure, number: Int) {
    self.init(number: number, id: figure.id, caption: figure.caption, colorbars: figure.colorbar.map { [$0] } ?? []) { builder, geometry, width, scale in
      try builder.panelRow(figure.panels, into: geometry, x: 0, y: 0, width: width, maxPanelHeight: FigureGeometryBuilder.maximumPanelHeight * scale,
                           scale: scale, labelSize: PageStyle.captionSize)
    }
  }

  /// A grid: rows of tiles under its column titles, one colorbar per scale.
  convenience init(_ grid: Grid, number: Int) {
    self.init(number: number, id: grid.id, caption: grid.caption, colorbars: grid.colorbars) { builder, geometry, width, scale in
      try builder.tiles(grid, into: geometry, width: width, scale: scale)
    }
  }

  /// A chart: the plot, centred.
  convenience init(_ chart: Chart, number: Int) {
    self.init(number: number, id: chart.id, caption: chart.caption, colorbars: []) { builder, geometry, width, scale in
      let plot = try ChartGeometry(chart: chart, fonts: builder.fonts, width: width, scale: scale)
      plot.origin = ((width - plot.width) / 2, 0)
      geometry.chart = plot
      geometry.scalableHeight = plot.plotHeight
      return plot.height
    }
  }
}

/// Paints a geometry with its top-left at (`x`, `y`).
func paintFigure(_ geometry: FigureGeometry, on canvas: Canvas, x: Double, y: Double) throws {
  canvas.save()
  defer { canvas.restore() }
  canvas.translate(x, y)
  for placed in geometry.images {
    try canvas.drawImage(placed.image, x: placed.rect.x, y: placed.rect.y, width: placed.rect.width,
                         height: placed.rect.height, alpha: placed.alpha, pixelated: placed.pixelated)
  }
  for frame in geometry.frames {
    canvas.strokeRect(x: frame.x, y: frame.y, width: frame.width, height: frame.height, color: PageStyle.faint, lineWidth: 0.4)
  }
  for rule in geometry.rules {
    canvas.line(from: (rule.x, rule.y), to: (rule.x + rule.width, rule.y), color: PageStyle.faint, width: 0.5)
  }
  for gradient in geometry.gradients {
    let r = gradient.rect
    canvas.fillGradient(gradient.stops, x: r.x, y: r.y, width: r.width, height: r.height)
    canvas.strokeRect(x: r.x, y: r.y, width: r.width, height: r.height, color: PageStyle.faint, lineWidth: 0.4)
  }
  if let chart = geometry.chart { chart.paint(on: canvas) }
  for text in geometry.texts {
    text.layout.draw(on: canvas, x: text.x, y: text.y)
  }
}
