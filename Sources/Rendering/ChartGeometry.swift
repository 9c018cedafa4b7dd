// A scatter/line chart as vectors: axes with "nice" ticks (steps of 1, 2 or 5 x 10^k), series drawn
// as points or polylines, and a legend on the right.
import Document
import Foundation

final class ChartGeometry {
  let chart: Chart
  var origin: (x: Double, y: Double) = (0, 0)
  let width: Double
  let height: Double
  let plotRect: Rect
  var plotHeight: Double { plotRect.height }
  private let xRange: ClosedRange<Double>
  private let yRange: ClosedRange<Double>
  private let xTicks: [Double]
  private let yTicks: [Double]
  private var texts: [(layout: TextLayout, x: Double, y: Double)] = []
  var layouts: [TextLayout] { texts.map(\.layout) }
  private var legendSwatches: [(color: RGB, x: Double, y: Double)] = []

  init(chart: Chart, fonts: FontSystem, width available: Double, scale: Double) throws {
    self.chart = chart
    let font = PageStyle.font(PageStyle.smallSize)
    let grey = "<span foreground=\"\(PageStyle.muted.hex)\">"
    func label(_ text: String, width: Double? = nil, alignment: TextAlignment = .left) throws -> TextLayout {
      try TextLayout(fonts: fonts, markup: grey + escapeMarkup(text) + "</span>", font: font, width: width, alignment: alignment)
    }
    let points = chart.series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
    let (xs, ys) = (points.map(\.x), points.map(\.y))
    let xTicks = niceTicks(lower: xs.min() ?? 0, upper: xs.max() ?? 1)
    let yTicks = niceTicks(lower: ys.min() ?? 0, upper: ys.max() ?? 1)
    self.xTicks = xTicks
    self.yTicks = yTicks
    xRange = (xTicks.first ?? 0)...(xTicks.last ?? 1)
    yRange = (yTicks.first ?? 0)...(yTicks.last ?? 1)

    let legendEntries = chart.series.filter { !$0.label.isEmpty }
    let legendLayouts = try legendEntries.map { try label($0.label) }
    let legendWidth = legendLayouts.isEmpty ? 0 : min(130, (legendLayouts.map { $0.size.width }.max() ?? 0) + 18)
    let yTickLayouts = chart.showsTickLabels ? try yTicks.map { try label(formatTick($0, ticks: yTicks)) } : []
    let yAxisWidth = (yTickLayouts.map { $0.size.width }.max() ?? 0) + 6
    let plotWidth = max(40, min(available - yAxisWidth - legendWidth - 8, 280) * scale)
    let plotHeight = plotWidth / max(0.25, chart.aspectRatio)
    let yLabelHeight = chart.yLabel.isEmpty ? 0.0 : try label(chart.yLabel).height + 3
    let plot = Rect(x: yAxisWidth, y: 4 + yLabelHeight, width: plotWidth, height: plotHeight)
    plotRect = plot

    var bottom = plot.y + plot.height
    if chart.showsTickLabels {
      var tickBottom = bottom
      for tick in xTicks {
        let layout = try label(formatTick(tick, ticks: xTicks), width: 40, alignment: .center)
        let x = plot.x + (tick - xRange.lowerBound) / span(xRange) * plot.width
        texts.append((layout, x - 20, bottom + 3))
        tickBottom = max(tickBottom, bottom + 3 + layout.height)
      }
      for (tick, layout) in zip(yTicks, yTickLayouts) {
        let y = plot.y + plot.height - (tick - yRange.lowerBound) / span(yRange) * plot.height
        texts.append((layout, plot.x - 4 - layout.size.width, y - layout.height / 2))
      }
      bottom = tickBottom
    }
    if !chart.xLabel.isEmpty {
      let layout = try label(chart.xLabel, width: plot.width, alignment: .center)
      texts.append((layout, plot.x, bottom + 2))
      bottom += 2 + layout.height
    }
    if !chart.yLabel.isEmpty {
      // Drawn horizontally above the axis: rotated text would need a rotated Pango context.
      let layout = try label(chart.yLabel)
      texts.append((layout, 0, plot.y - 3 - layout.height))
    }
    var legendY = plot.y
    for (series, layout) in zip(legendEntries, legendLayouts) {
      let x = plot.x + plot.width + 10
      legendSwatches.append((series.color, x + 4, legendY + layout.height / 2))
      texts.append((layout, x + 12, legendY))
      legendY += layout.height + 2
    }
    width = plot.x + plot.width + (legendWidth > 0 ? legendWidth + 10 : 4)
    height = max(bottom, legendY) + 2
  }

  private func point(_ p: ChartPoint) -> (Double, Double) {
    let x = plotRect.x + (p.x - xRange.lowerBound) / span(xRange) * plotRect.width
    let y = plotRect.y + plotRect.height - (p.y - yRange.lowerBound) / span(yRange) * plotRect.height
    return (origin.x + x, origin.y + y)
  }

  func paint(on canvas: Canvas) {
    let (ox, oy) = origin
    let plot = Rect(x: ox + plotRect.x, y: oy + plotRect.y, width: plotRect.width, height: plotRect.height)
    let gridColor = RGB(0xe6, 0xe9, 0xec)
    for tick in xTicks {
      let x = point(ChartPoint(x: tick, y: yRange.lowerBound)).0
      canvas.line(from: (x, plot.y), to: (x, plot.y + plot.height), color: gridColor, width: 0.4)
    }
    for tick in yTicks {
      let y = point(ChartPoint(x: xRange.lowerBound, y: tick)).1
      canvas.line(from: (plot.x, y), to: (plot.x + plot.width, y), color: gridColor, width: 0.4)
    }
    canvas.strokeRect(x: plot.x, y: plot.y, width: plot.width, height: plot.height, color: PageStyle.muted, lineWidth: 0.6)
    canvas.save()
    canvas.clip(x: plot.x - 3, y: plot.y - 3, width: plot.width + 6, height: plot.height + 6)
    for series in chart.series {
      let points = series.points.filter { $0.x.isFinite && $0.y.isFinite }.map(point)
      if series.style != .points { canvas.polyline(points, color: series.color, width: 1.2) }
      if series.style != .line {
        let radius = series.style == .points ? 1.6 : 2.0
        for p in points { canvas.fillCircle(x: p.0, y: p.1, radius: radius, color: series.color, alpha: 0.85) }
      }
    }
    canvas.restore()
    for swatch in legendSwatches {
      canvas.fillCircle(x: ox + swatch.x, y: oy + swatch.y, radius: 2.6, color: swatch.color)
    }
    for text in texts { text.layout.draw(on: canvas, x: ox + text.x, y: oy + text.y) }
  }
}

private func span(_ range: ClosedRange<Double>) -> Double {
  max(range.upperBound - range.lowerBound, 1e-12)
}

/// Ticks covering [lower, upper] with about five steps of 1, 2 or 5 x 10^k.
func niceTicks(lower: Double, upper: Double) -> [Double] {
  var (low, high) = (lower, upper)
  if high - low < 1e-12 { (low, high) = (low - 0.5, high + 0.5) }
  let raw = (high - low) / 5
  let magnitude = pow(10, floor(log10(raw)))
  let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
  let first = floor(low / step) * step
  let last = ceil(high / step) * step
  let count = Int(((last - first) / step).rounded())
  return (0...count).map { first + Double($0) * step }
}

func formatTick(_ value: Double, ticks: [Double]) -> String {
  let step = ticks.count > 1 ? abs(ticks[1] - ticks[0]) : 1
  let decimals = step >= 1 ? 0 : min(6, Int(ceil(-log10(step))))
  let text = String(format: "%.\(decimals)f", value)
  return text == "-0" ? "0" : text
}
