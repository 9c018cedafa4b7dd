// The one way from a map to pixels, for notebook figures and `convlens explain` alike (the field's
// conventions, listed in ARCHITECTURE.md under "Display: from a map to pixels"): reduce channels → upsample → scale (outlier clipping for pixel
// attributions) → colormap → overlay. It returns the map raster, the blended overlay raster and
// the conventions that say how they were made, in caption order. Methods return raw numbers only.
import Document
import Foundation
import Methods

public struct MapDisplay: Sendable {
  public var settings: DisplaySettings

  public init(_ settings: DisplaySettings = DisplaySettings()) { self.settings = settings }

  /// A map as a method returned it.
  public enum Source: Sendable {
    /// A CAM-family map [h, w] at its layer's resolution, unnormalised; ≥ 0 unless `signed` (relu: false).
    case layerMap([Float], height: Int, width: Int, signed: Bool)
    /// A pixel attribution [channels, H, W]; `reduction` is the method's own, `gradientImage` marks
    /// the gradients the papers show as pictures (see `PixelAttributions`).
    case attribution([Float], channels: Int, height: Int, width: Int, reduction: ChannelReduction, signed: Bool,
                     gradientImage: Bool)
    /// A pixel attribution already reduced to [H, W] with `reduction` (the sanity check's panels).
    case reducedAttribution([Float], height: Int, width: Int, reduction: ChannelReduction, signed: Bool)
  }

  /// What a map looks like.
  public struct Shown: Sendable {
    /// The coloured map (or the RGB gradient picture), at the picture's size.
    public var map: RasterImage
    /// (1 − α)·picture + α·map, rounded to bytes; nil without a picture (the map alone is shown).
    public var overlay: RasterImage?
    public var alpha: Double
    /// The colour scale; nil for RGB pictures.
    public var colorbar: Colorbar?
    /// How the pixels were made: reduction, sign, clip, normalisation, upsampling, colormap, overlay.
    public var conventions: [Convention]
  }

  /// Shows `source` over `picture` (the image the model saw), or alone at `size` [H, W] without one.
  public func show(_ source: Source, picture: RasterImage?, size: [Int]) throws -> Shown {
    let height = picture?.height ?? size[0], width = picture?.width ?? size[1]
    var shown: Shown
    switch source {
    case .layerMap(let values, let mapHeight, let mapWidth, let signed):
      guard settings.mode != .rgb else {
        throw NotebookError("display: rgb shows the three channels of a pixel attribution; a CAM map has one")
      }
      guard settings.sign == nil, settings.clip == nil else {
        throw NotebookError("sign and clip apply to pixel attributions; CAM maps are min-max scaled (÷ max|x| when relu: false)")
      }
      shown = try camMap(values, from: [mapHeight, mapWidth], to: [height, width], signed: signed)
    case .attribution(let values, let channels, let mapHeight, let mapWidth, let reduction, let signed, let gradientImage):
      if settings.mode ?? (gradientImage ? .rgb : .heatmap) == .rgb {
        guard channels == 3 else { throw NotebookError("display: rgb needs a 3-channel attribution, this one has \(channels)") }
        guard settings.sign == nil, settings.clip == nil else {
          throw NotebookError("sign and clip apply to display: heatmap; display: rgb shows the gradient as a picture")
        }
        shown = try gradientPicture(values, from: [mapHeight, mapWidth], to: [height, width])
      } else {
        let reduced = Normalization.reduce(values, channels: channels, reduction: reduction)
        shown = try pixelMap(reduced, from: [mapHeight, mapWidth], to: [height, width], reduction: reduction, signed: signed,
                         channels: channels)
      }
    case .reducedAttribution(let values, let mapHeight, let mapWidth, let reduction, let signed):
      guard settings.mode != .rgb else {
        throw NotebookError("display: rgb needs the three channels of an attribution; these maps are reduced to one")
      }
      shown = try pixelMap(values, from: [mapHeight, mapWidth], to: [height, width], reduction: reduction, signed: signed, channels: nil)
    }
    if let picture {
      shown.overlay = try Self.blend(picture, shown.map, alpha: shown.alpha)
      shown.conventions.append(Convention("overlay", shown.alpha == 1 ? "none (α = 1: the map alone)"
        : "(1 − α)·image + α·map, α = \(Self.number(shown.alpha))"))
    } else {
      shown.conventions.append(Convention("overlay", "none (no picture: the map alone)"))
    }
    return shown
  }

  /// Grad-CAM's display (Selvaraju et al. 2017; pytorch-grad-cam): bilinear to the picture, then
  /// per-image min-max (x − min)/(max − min + 1e-7) on a sequential colormap, or for signed maps
  /// x / max|x| in [−1, 1] on a diverging one centred at 0.
  private func camMap(_ values: [Float], from mapSize: [Int], to size: [Int], signed: Bool) throws -> Shown {
    let (upsampled, upsampling) = Self.resize(values, from: mapSize, to: size)
    let colormap = settings.colormap ?? (signed ? .rdbu : .viridis)
    let unit: [Float]
    let colorbar: Colorbar
    var conventions = [Convention("upsampling", upsampling)]
    if signed {
      let largest = upsampled.reduce(0) { max($0, abs($1)) }
      unit = upsampled.map { ($0 / max(largest, 1e-12) + 1) / 2 }
      conventions.append(Convention("normalisation", "per image x / max|x| to [−1, 1], 0 at the colormap's centre"))
      colorbar = Colorbar(colormapStops: Rasters.stops(colormap), minLabel: "−max|x|", maxLabel: "+max|x|", title: "x / max|x|, 0 at the centre")
    } else {
      unit = Normalization.minMax(upsampled)
      conventions.append(Convention("normalisation", "per-image min-max after upsampling, (x − min)/(max − min + 1e-7)"))
      colorbar = Colorbar(colormapStops: Rasters.stops(colormap), minLabel: "min", maxLabel: "max", title: "per-image min-max")
    }
    conventions.append(Convention("colormap", colormap.rawValue))
    return Shown(map: try Self.raster(Overlay.colorize(unit, colormap), size), overlay: nil, alpha: settings.alpha ?? 0.5,
                 colorbar: colorbar, conventions: conventions)
  }

  /// captum's `visualize_image_attr` heat map: the sign chosen, then ÷ t where t is the value at
  /// which the ascending cumulative sum of |values| reaches (100 − clip) % of their total
  /// (`_cumulative_sum_threshold`), clipped to [0, 1] ([−1, 1] for sign all, on RdBu).
  private func pixelMap(_ reduced: [Float], from mapSize: [Int], to size: [Int], reduction: ChannelReduction, signed: Bool,
                        channels: Int?) throws -> Shown {
    let (values, upsampling) = Self.resize(reduced, from: mapSize, to: size)
    let sign = settings.sign ?? (signed && reduction == .sum ? .all : .absolute)
    let clip = settings.clip ?? 2
    let shown: [Float]  // the signed part to show, ≥ 0 except for sign all
    switch sign {
    case .absolute: shown = values.map { abs($0) }
    case .positive: shown = values.map { max($0, 0) }
    case .negative: shown = values.map { max(-$0, 0) }
    case .all: shown = values
    }
    let threshold = Self.cumulativeThreshold(shown.map { abs($0) }, percentile: 100 - clip)
    let scale = threshold > 0 ? 1 / threshold : 0
    let unit = sign == .all ? shown.map { (min(max($0 * scale, -1), 1) + 1) / 2 } : shown.map { min($0 * scale, 1) }
    let colormap = settings.colormap ?? (sign == .all ? .rdbu : .gray)
    let over = channels.map { "over the \($0) channels" } ?? "over the channels"
    let reductions: [ChannelReduction: String] = [.maxAbs: "max |·| \(over)", .sum: "Σ \(over)", .abs: "Σ |·| \(over)"]
    let signs: [DisplaySettings.Sign: String] = [
      .absolute: "absolute, |x|", .positive: "positive, max(x, 0)", .negative: "negative, max(−x, 0)",
      .all: "all, x (0 at the colormap's centre)",
    ]
    let conventions = [
      Convention("reduction", reductions[reduction] ?? reduction.rawValue),
      Convention("sign", (signs[sign] ?? sign.rawValue) + " (captum's visualize_image_attr)"),
      Convention("clip", "\(Self.number(clip)) % (captum's outlier_perc): values past the one where the sorted cumulative sum "
                 + "reaches \(Self.number(100 - clip)) % of the total saturate"),
      Convention("normalisation", sign == .all ? "÷ that value t, to [−1, 1]" : "÷ that value t, to [0, 1]"),
      Convention("upsampling", upsampling), Convention("colormap", colormap.rawValue),
    ]
    let colorbar = Colorbar(colormapStops: Rasters.stops(colormap), minLabel: sign == .all ? "−t" : "0", maxLabel: sign == .all ? "+t" : "≥ t",
                            title: sign == .all ? "x / t, clip \(Self.number(clip)) %" : "\(sign.rawValue) / t, clip \(Self.number(clip)) %")
    return Shown(map: try Self.raster(Overlay.colorize(unit, colormap), size), overlay: nil, alpha: settings.alpha ?? 0.5,
                 colorbar: colorbar, conventions: conventions)
  }

  /// The gradient as a picture (Springenberg et al. 2014; Selvaraju et al. 2017; pytorch-grad-cam's
  /// `deprocess_image`): per image (g − mean)/(std + 1e-5) · 0.1 + 0.5 over all 3·H·W values,
  /// clipped to [0, 1], channels as the input's R, G, B.
  private func gradientPicture(_ values: [Float], from mapSize: [Int], to size: [Int]) throws -> Shown {
    let count = Double(values.count)
    let mean = values.reduce(0.0) { $0 + Double($1) } / count
    let std = (values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / count).squareRoot()
    let plane = mapSize[0] * mapSize[1]
    var channels: [[Float]] = []
    var upsampling = ""
    for channel in 0..<3 {
      let picture = values[(channel * plane)..<((channel + 1) * plane)].map { Float(min(max((Double($0) - mean) / (std + 1e-5) * 0.1 + 0.5, 0), 1)) }
      let resized = Self.resize(picture, from: mapSize, to: size)
      channels.append(resized.values)
      upsampling = resized.description
    }
    var rgb = [UInt8](repeating: 0, count: size[0] * size[1] * 3)
    for position in 0..<(size[0] * size[1]) {
      for channel in 0..<3 { rgb[position * 3 + channel] = Overlay.byte(channels[channel][position]) }
    }
    return Shown(map: try Self.raster(rgb, size), overlay: nil, alpha: settings.alpha ?? 1, colorbar: nil, conventions: [
      Convention("display", "the gradient as an RGB picture: per image (g − mean)/(std + 1e-5) · 0.1 + 0.5, clipped to [0, 1] "
                 + "(Springenberg et al. 2014, Selvaraju et al. 2017)"),
      Convention("upsampling", upsampling),
    ])
  }

  /// captum's `_cumulative_sum_threshold`: the first sorted value at which the running sum reaches
  /// `percentile` % of the total (the largest value for 100).
  static func cumulativeThreshold(_ values: [Float], percentile: Double) -> Float {
    let sorted = values.sorted()
    let total = sorted.reduce(0.0) { $0 + Double($1) }
    let target = total * 0.01 * percentile
    var running = 0.0
    for value in sorted {
      running += Double(value)
      if running >= target { return value }
    }
    return sorted.last ?? 0
  }

  /// Bilinear (half-pixel centres) to `size` when the sizes differ, with its caption text.
  static func resize(_ values: [Float], from mapSize: [Int], to size: [Int]) -> (values: [Float], description: String) {
    guard mapSize != size else { return (values, "none (input resolution)") }
    return (Upsampling.bilinear.resize(values, height: mapSize[0], width: mapSize[1], toHeight: size[0], width: size[1]),
            "bilinear, half-pixel centres (align_corners = false), \(mapSize[0])×\(mapSize[1]) → \(size[0])×\(size[1])")
  }

  /// Overlay = (1 − α)·picture + α·map per byte, rounded to nearest; opaque.
  static func blend(_ picture: RasterImage, _ map: RasterImage, alpha: Double) throws -> RasterImage {
    var rgba = picture.rgba
    for index in rgba.indices where index % 4 != 3 {
      rgba[index] = Overlay.byte(Float((1 - alpha) * Double(picture.rgba[index]) / 255 + alpha * Double(map.rgba[index]) / 255))
    }
    return try RasterImage(width: picture.width, height: picture.height, rgba: rgba)
  }

  private static func raster(_ rgb: [UInt8], _ size: [Int]) throws -> RasterImage {
    try Rasters.image(width: size[1], height: size[0], rgb: rgb)
  }

  static func number(_ value: Double) -> String { String(format: "%g", value) }
}

/// Colour bytes of unit values.
enum Overlay {
  /// [0, 1] → 0...255, rounded to nearest.
  static func byte(_ value: Float) -> UInt8 { UInt8(max(0, min(255, (value * 255).rounded()))) }

  /// A map [h · w] of values in [0, 1] through `colormap`: [h, w, 3] bytes.
  static func colorize(_ map: [Float], _ colormap: Colormap) -> [UInt8] { colormap.apply(map).map(byte) }
}
