// The document's blocks -> the HTML contexts (`HTMLPage`), one case per block kind.
import Document
import Foundation

struct HTMLContextBuilder {
  let document: ReportDocument
  let outline: DocumentOutline
  private let library = HTMLImageLibrary()

  init(document: ReportDocument) {
    self.document = document
    outline = DocumentOutline(document)
  }

  func page(css: String, script: String, scriptHash: String) throws -> HTMLPage {
    let meta = [document.author, document.date].compactMap { $0 }.filter { !$0.isEmpty }
    let contents = outline.headings.filter(\.inContents).map {
      HTMLPage.ContentsEntry(level: $0.level, anchor: $0.anchor, number: $0.number, hasNumber: !$0.number.isEmpty, text: $0.text)
    }
    return HTMLPage(
      lang: document.language ?? "ko", title: document.title, css: css, script: script, scriptHash: scriptHash,
      contentsTitle: outline.words.contents, subtitle: document.subtitle.flatMap { $0.isEmpty ? nil : $0 },
      author: document.author.flatMap { $0.isEmpty ? nil : $0 }, meta: meta.isEmpty ? nil : meta.joined(separator: " · "),
      contents: contents, hasContents: !contents.isEmpty, blocks: try blocks(), images: library.images)
  }

  private func blocks() throws -> [HTMLBlock] {
    var blocks: [HTMLBlock] = []
    var fonts: FontSystem?
    for item in outline.items {
      switch item.block {
      case .heading, .markdown:
        blocks += item.text.map { piece in
          switch piece {
          case .heading(let heading):
            return .heading(.init(tag: min(heading.level + 1, 6), anchor: heading.anchor, number: heading.number,
                                  hasNumber: !heading.number.isEmpty, text: heading.text))
          case .prose(let node):
            return .prose(.init(html: node.html))
          }
        }
      case .figure(let figure):
        blocks.append(.figure(try figureContext(figure, number: item.number)))
      case .grid(let grid):
        blocks.append(.grid(try gridContext(grid, number: item.number)))
      case .chart(let chart):
        if fonts == nil { fonts = try FontSystem(language: document.language) }
        guard let fonts else { continue }
        let (png, width) = try chartPNG(chart, fonts: fonts)
        blocks.append(.chart(ChartContext(anchor: "fig-\(item.number)", label: figureLabel(item.number), caption: chart.caption,
                                          src: dataURI(png), widthPoints: formatNumber(width))))
      case .table(let table):
        blocks.append(.table(tableContext(table, number: item.number)))
      case .pageBreak:
        continue
      }
    }
    return blocks
  }

  private func figureLabel(_ number: Int) -> String { "\(outline.words.figure) \(number)." }

  private func panelContext(_ panel: FigurePanel, alt: String) throws -> PanelContext {
    let base = try library.add(panel.image), overlay = try panel.overlay.map { try library.add($0) }
    return PanelContext(src: base.src, hasOverlay: overlay != nil, overlay: overlay?.src ?? "", image: base.id,
                        overlayImage: overlay?.id ?? "", width: base.width, height: base.height,
                        hasLabel: !(panel.label ?? "").isEmpty, label: panel.label ?? "", alt: panel.label ?? alt,
                        pixelated: panel.pixelated)
  }

  /// The opacity the slider starts at: the first overlay's α, clamped to [0, 1] (0.5 without one).
  private func startingAlpha(_ panels: [FigurePanel]) -> Double { min(max(panels.first { $0.overlay != nil }?.alpha ?? 0.5, 0), 1) }

  private func figureContext(_ figure: Figure, number: Int) throws -> FigureContext {
    let variantPanels: [(label: String, panels: [FigurePanel])] =
      figure.variants.isEmpty ? [("", figure.panels)] : figure.variants.map { ($0.label, $0.panels) }
    let allPanels = variantPanels.flatMap(\.panels)
    let alpha = startingAlpha(allPanels)
    let variants = try variantPanels.enumerated().map { index, variant in
      FigureContext.Variant(index: index, label: variant.label, selected: index == 0,
                            panels: try variant.panels.map { try panelContext($0, alt: figure.caption) })
    }
    return FigureContext(
      anchor: "fig-\(number)", kind: figure.kind.rawValue, label: figureLabel(number), caption: figure.caption, variants: variants,
      hasVariants: figure.variants.count > 1, hasSlider: allPanels.contains { $0.overlay != nil }, alpha: formatNumber(alpha),
      alphaPercent: Int((alpha * 100).rounded()), opacityLabel: opacityLabel, colorbar: figure.colorbar.map(colorbarContext))
  }

  private func gridContext(_ grid: Grid, number: Int) throws -> GridContext {
    let tiles = try grid.tiles.map { tile in
      GridContext.Tile(panels: try tile.panels.map { try panelContext($0, alt: tile.caption) }, hasLabel: !tile.caption.isEmpty,
                       label: tile.caption)
    }
    let panels = grid.tiles.flatMap(\.panels)
    let alpha = startingAlpha(panels)
    return GridContext(
      anchor: "fig-\(number)", kind: grid.kind.rawValue, label: figureLabel(number), caption: grid.caption, columns: max(1, grid.columns),
      tiles: tiles, headers: grid.columnHeaders.map { GridContext.Header(title: $0.title, span: $0.span) },
      hasHeaders: !grid.columnHeaders.isEmpty, colorbars: grid.colorbars.map(colorbarContext), hasColorbars: !grid.colorbars.isEmpty,
      hasSlider: panels.contains { $0.overlay != nil }, alpha: formatNumber(alpha), alphaPercent: Int((alpha * 100).rounded()),
      opacityLabel: opacityLabel)
  }

  private var opacityLabel: String { outline.words.figure == "그림" ? "겹침 불투명도" : "Overlay opacity" }

  private func colorbarContext(_ colorbar: Colorbar) -> ColorbarContext {
    let stops = colorbar.colormapStops.map(\.hex)
    let gradient = stops.count > 1 ? "linear-gradient(to right, \(stops.joined(separator: ", ")))" : (stops.first ?? "#000000")
    return ColorbarContext(title: colorbar.title, min: colorbar.minLabel, max: colorbar.maxLabel, gradient: gradient)
  }

  private func tableContext(_ table: Table, number: Int) -> TableContext {
    let columns = max(table.header.count, table.rows.map(\.count).max() ?? 0)
    func align(_ column: Int) -> String { column < table.alignments.count ? table.alignments[column].rawValue : "left" }
    func cells(_ row: [String]) -> [TableContext.Cell] {
      (0..<columns).map { TableContext.Cell(text: $0 < row.count ? row[$0] : "", align: align($0)) }
    }
    return TableContext(label: "\(outline.words.table) \(number).", hasCaption: !(table.caption ?? "").isEmpty, caption: table.caption ?? "",
                        hasHeader: !table.header.isEmpty, header: cells(table.header), rows: table.rows.map { TableContext.Row(cells: cells($0)) })
  }

  /// The chart drawn by the PDF code at 2x (144 dpi) for sharp display; returns PNG and width in points.
  private func chartPNG(_ chart: Chart, fonts: FontSystem) throws -> (Data, Double) {
    let geometry = try ChartGeometry(chart: chart, fonts: fonts, width: PageStyle.contentWidth, scale: 1)
    let scale = 2.0
    let surface = try CairoSurface.image(width: Int((geometry.width * scale).rounded(.up)),
                                         height: Int((geometry.height * scale).rounded(.up)))
    let canvas = try Canvas(surface: surface)
    canvas.fillRect(x: 0, y: 0, width: geometry.width * scale + 1, height: geometry.height * scale + 1, color: RGB(255, 255, 255))
    canvas.scale(scale)
    geometry.paint(on: canvas)
    return (try surface.pngData(), geometry.width)
  }
}

func pngData(_ image: RasterImage) throws -> Data {
  try CairoSurface.raster(image).pngData()
}

func dataURI(_ png: Data) -> String {
  "data:image/png;base64," + png.base64EncodedString()
}
