/// Images side by side with one caption, e.g. input | Grad-CAM | guided Grad-CAM.
public struct Figure: Sendable, Equatable, Codable {
  /// Stable identifier (e.g. the step name); used for HTML anchors and `--figures` file names.
  public var id: String
  /// What is shown in the PDF and first in HTML.
  public var panels: [FigurePanel]
  /// Stated conventions: method, layer, target class and probability, normalisation, colormap, alpha.
  public var caption: String
  public var colorbar: Colorbar?
  /// Alternatives the HTML class switcher offers (e.g. one per target class); the first is shown
  /// initially. Empty means no switcher. Paged output shows `panels` only.
  public var variants: [FigureVariant]
  public var kind: FigureKind
  /// The name prose refers to it by (`@fig-gradcam`), if any; see `FigureReference`.
  public var label: String?

  public init(
    id: String, panels: [FigurePanel], caption: String, colorbar: Colorbar? = nil,
    variants: [FigureVariant] = [], kind: FigureKind = .image, label: String? = nil
  ) {
    self.id = id
    self.panels = panels
    self.caption = caption
    self.colorbar = colorbar
    self.variants = variants
    self.kind = kind
    self.label = label
  }
}

/// What a figure shows; HTML adds an opacity slider to `.heatmap` figures that have overlays.
public enum FigureKind: String, Sendable, Equatable, Codable {
  case image, heatmap, filters, activations, neighbours
}

/// One picture of a figure, optionally with a heatmap blended over it at `alpha`.
public struct FigurePanel: Sendable, Equatable, Codable {
  public var image: RasterImage
  /// Same aspect ratio as `image`; drawn over it with opacity `alpha` (0...1).
  public var overlay: RasterImage?
  public var alpha: Double
  /// `image` and `overlay` already composited, (1 − α)·image + α·overlay (the raster `convlens
  /// explain` writes): paged output draws this one picture; HTML blends the two live (slider).
  public var blended: RasterImage?
  /// Short text under the panel ("input", "Grad-CAM", "tabby 0.62").
  public var label: String?
  /// Pixelated upscaling (filters, tiny maps) instead of smooth interpolation.
  public var pixelated: Bool

  public init(
    image: RasterImage, overlay: RasterImage? = nil, alpha: Double = 0.5, blended: RasterImage? = nil,
    label: String? = nil, pixelated: Bool = false
  ) {
    self.image = image
    self.overlay = overlay
    self.alpha = alpha
    self.blended = blended
    self.label = label
    self.pixelated = pixelated
  }
}

/// One option of a figure's class switcher (HTML only).
public struct FigureVariant: Sendable, Equatable, Codable {
  /// Button text, e.g. "tabby cat (0.62)".
  public var label: String
  public var panels: [FigurePanel]

  public init(label: String, panels: [FigurePanel]) {
    self.label = label
    self.panels = panels
  }
}

/// A horizontal colour scale drawn under a figure; stops are spread evenly from min to max.
public struct Colorbar: Sendable, Equatable, Codable {
  public var colormapStops: [RGB]
  public var minLabel: String
  public var maxLabel: String
  public var title: String

  public init(colormapStops: [RGB], minLabel: String, maxLabel: String, title: String) {
    self.colormapStops = colormapStops
    self.minLabel = minLabel
    self.maxLabel = maxLabel
    self.title = title
  }
}

/// Small tiles in rows of `columns` with one caption for the whole grid; comparison grids add
/// column titles and one colorbar per scale.
public struct Grid: Sendable, Equatable, Codable {
  public var id: String
  public var columns: Int
  /// Each tile's `caption` is its short label; tiles normally have one panel.
  public var tiles: [Figure]
  public var caption: String
  /// One per colour scale the tiles use (a comparison of gray and RdBu maps has two).
  public var colorbars: [Colorbar]
  public var kind: FigureKind
  /// Titles above the first row, left to right; their spans add up to `columns` (or none).
  public var columnHeaders: [GridHeader]
  /// See `Figure.label`.
  public var label: String?

  public init(
    id: String, columns: Int, tiles: [Figure], caption: String, colorbars: [Colorbar] = [],
    kind: FigureKind = .filters, columnHeaders: [GridHeader] = [], label: String? = nil
  ) {
    self.id = id
    self.columns = columns
    self.tiles = tiles
    self.caption = caption
    self.colorbars = colorbars
    self.kind = kind
    self.columnHeaders = columnHeaders
    self.label = label
  }
}

/// A column title of a grid, over `span` columns ("pixel space" over five neighbours).
public struct GridHeader: Sendable, Equatable, Codable {
  public var title: String
  public var span: Int
  public init(_ title: String, span: Int = 1) {
    self.title = title
    self.span = max(1, span)
  }
}
