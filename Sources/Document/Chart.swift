/// A 2-D plot drawn as vectors: scatter points (t-SNE embeddings) and/or lines (score curves).
public struct Chart: Sendable, Equatable, Codable {
  public var id: String
  public var caption: String
  public var series: [ChartSeries]
  public var xLabel: String
  public var yLabel: String
  /// Width / height of the plot area; 1.6 suits curves, 1 suits embeddings.
  public var aspectRatio: Double
  /// Hide axis numbers where they carry no meaning (t-SNE coordinates).
  public var showsTickLabels: Bool
  /// See `Figure.label`.
  public var label: String?

  public init(
    id: String, caption: String, series: [ChartSeries], xLabel: String = "", yLabel: String = "",
    aspectRatio: Double = 1.6, showsTickLabels: Bool = true, label: String? = nil
  ) {
    self.label = label
    self.id = id
    self.caption = caption
    self.series = series
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.aspectRatio = aspectRatio
    self.showsTickLabels = showsTickLabels
  }
}

public struct ChartSeries: Sendable, Equatable, Codable {
  public enum Style: String, Sendable, Equatable, Codable {
    case points, line, lineWithPoints
  }
  /// Legend text; an empty label is left out of the legend.
  public var label: String
  public var color: RGB
  public var style: Style
  public var points: [ChartPoint]

  public init(label: String, color: RGB, style: Style, points: [ChartPoint]) {
    self.label = label
    self.color = color
    self.style = style
    self.points = points
  }
}

public struct ChartPoint: Sendable, Equatable, Codable {
  public var x: Double
  public var y: Double
  public init(x: Double, y: Double) {
    self.x = x
    self.y = y
  }
}
