// Document -> the dictionary the HTML templates read. Every dictionary defines all keys its
// template asks for (flags such as hasLabel instead of optional values), because Mustache looks a
// missing key up in the enclosing context and would print a parent's value instead.
import Document
import Foundation

struct HTMLContextBuilder {
  let document: ReportDocument
  let outline: DocumentOutline

  init(document: ReportDocument) {
    self.document = document
    outline = DocumentOutline(document)
  }

  func context(css: String, script: String, scriptHash: String) throws -> [String: Any] {
    var context: [String: Any] = [
      "lang": document.language ?? "ko",
      "title": document.title,
      "css": css,
      "script": script,
      "scriptHash": scriptHash,
      "contentsTitle": outline.words.contents,
    ]
    if let subtitle = document.subtitle, !subtitle.isEmpty { context["subtitle"] = subtitle }
    if let author = document.author, !author.isEmpty { context["author"] = author }
    let meta = [document.author, document.date].compactMap { $0 }.filter { !$0.isEmpty }
    if !meta.isEmpty { context["meta"] = meta.joined(separator: " · ") }
    let contents = outline.headings.filter(\.inContents).map { heading -> [String: Any] in
      ["level": heading.level, "anchor": heading.anchor, "number": heading.number,
       "hasNumber": !heading.number.isEmpty, "text": heading.text]
    }
    context["contents"] = contents
    context["hasContents"] = !contents.isEmpty
    context["blocks"] = try blocks()
    return context
  }

  private func blocks() throws -> [[String: Any]] {
    var blocks: [[String: Any]] = []
    var fonts: FontSystem?
    for item in outline.items {
      switch item {
      case .heading(let heading):
        blocks.append(["heading": [
          "tag": min(heading.level + 1, 6), "anchor": heading.anchor, "number": heading.number,
          "hasNumber": !heading.number.isEmpty, "text": heading.text,
        ] as [String: Any]])
      case .markdown(let node):
        blocks.append(["prose": ["html": node.html]])
      case .figure(let figure, let number):
        blocks.append(["figure": try figureContext(figure, number: number)])
      case .grid(let grid, let number):
        blocks.append(["grid": try gridContext(grid, number: number)])
      case .chart(let chart, let number):
        if fonts == nil { fonts = try FontSystem(language: document.language) }
        guard let fonts else { continue }
        let (png, width) = try chartPNG(chart, fonts: fonts)
        blocks.append(["chart": [
          "anchor": "fig-\(number)", "label": "\(outline.words.figure) \(number).", "caption": chart.caption,
          "src": dataURI(png), "widthPoints": formatNumber(width),
        ] as [String: Any]])
      case .table(let table, let number):
        blocks.append(["table": tableContext(table, number: number)])
      case .pageBreak:
        continue
      }
    }
    return blocks
  }

  private func panelContext(_ panel: FigurePanel, alt: String) throws -> [String: Any] {
    [
      "src": dataURI(try pngData(panel.image)),
      "hasOverlay": panel.overlay != nil,
      "overlay": try panel.overlay.map { dataURI(try pngData($0)) } ?? "",
      "hasLabel": !(panel.label ?? "").isEmpty,
      "label": panel.label ?? "",
      "alt": panel.label ?? alt,
      "pixelated": panel.pixelated,
    ]
  }

  private func figureContext(_ figure: Figure, number: Int) throws -> [String: Any] {
    let variantPanels: [(label: String, panels: [FigurePanel])] =
      figure.variants.isEmpty ? [("", figure.panels)] : figure.variants.map { ($0.label, $0.panels) }
    let allPanels = variantPanels.flatMap(\.panels)
    let alpha = allPanels.first { $0.overlay != nil }?.alpha ?? 0.5
    let variants = try variantPanels.enumerated().map { index, variant -> [String: Any] in
      ["index": index, "label": variant.label, "selected": index == 0,
       "panels": try variant.panels.map { try panelContext($0, alt: figure.caption) }]
    }
    var context: [String: Any] = [
      "anchor": "fig-\(number)", "kind": figure.kind.rawValue, "label": "\(outline.words.figure) \(number).",
      "caption": figure.caption, "variants": variants, "hasVariants": figure.variants.count > 1,
      "hasSlider": allPanels.contains { $0.overlay != nil },
      "alpha": formatNumber(min(max(alpha, 0), 1)), "alphaPercent": Int((min(max(alpha, 0), 1) * 100).rounded()),
      "opacityLabel": opacityLabel,
    ]
    if let colorbar = figure.colorbar { context["colorbar"] = colorbarContext(colorbar) }
    return context
  }

  private func gridContext(_ grid: Grid, number: Int) throws -> [String: Any] {
    let tiles = try grid.tiles.map { tile -> [String: Any] in
      ["panels": try tile.panels.map { try panelContext($0, alt: tile.caption) },
       "hasLabel": !tile.caption.isEmpty, "label": tile.caption]
    }
    let panels = grid.tiles.flatMap(\.panels)
    let alpha = min(max(panels.first { $0.overlay != nil }?.alpha ?? 0.5, 0), 1)
    return [
      "anchor": "fig-\(number)", "kind": grid.kind.rawValue, "label": "\(outline.words.figure) \(number).",
      "caption": grid.caption, "columns": max(1, grid.columns), "tiles": tiles,
      "headers": grid.columnHeaders.map { ["title": $0.title, "span": $0.span] as [String: Any] },
      "hasHeaders": !grid.columnHeaders.isEmpty,
      "colorbars": grid.colorbars.map(colorbarContext), "hasColorbars": !grid.colorbars.isEmpty,
      "hasSlider": panels.contains { $0.overlay != nil },
      "alpha": formatNumber(alpha), "alphaPercent": Int((alpha * 100).rounded()), "opacityLabel": opacityLabel,
    ]
  }

  private var opacityLabel: String { outline.words.figure == "그림" ? "겹침 불투명도" : "Overlay opacity" }

  private func colorbarContext(_ colorbar: Colorbar) -> [String: Any] {
    let stops = colorbar.colormapStops.map(\.hex)
    let gradient = stops.count > 1 ? "linear-gradient(to right, \(stops.joined(separator: ", ")))" : (stops.first ?? "#000000")
    return ["title": colorbar.title, "min": colorbar.minLabel, "max": colorbar.maxLabel, "gradient": gradient]
  }

  private func tableContext(_ table: Table, number: Int) -> [String: Any] {
    let columns = max(table.header.count, table.rows.map(\.count).max() ?? 0)
    func align(_ column: Int) -> String { column < table.alignments.count ? table.alignments[column].rawValue : "left" }
    func cells(_ row: [String]) -> [[String: Any]] {
      (0..<columns).map { ["text": $0 < row.count ? row[$0] : "", "align": align($0)] }
    }
    return [
      "label": "\(outline.words.table) \(number).", "hasCaption": !(table.caption ?? "").isEmpty,
      "caption": table.caption ?? "", "hasHeader": !table.header.isEmpty, "header": cells(table.header),
      "rows": table.rows.map { ["cells": cells($0)] },
    ]
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
