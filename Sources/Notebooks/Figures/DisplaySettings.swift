// How a map is shown: the display keys a notebook step and `convlens explain` take, declared
// here once as `Setting` lines (the methods' mechanism). They never change what a method computes,
// so they are not part of a step's cache key. nil means "the default for this map", the field's
// convention for that kind of map, decided by `MapDisplay`.
import Methods

/// Display choices; every field nil = the conventions' defaults.
public struct DisplaySettings: Sendable, Equatable, Configurable {
  /// Which part of a pixel attribution to show (captum's `visualize_image_attr` signs).
  public enum Sign: String, CaseIterable, Sendable, SettingChoice {
    /// |x|
    case absolute
    /// max(x, 0)
    case positive
    /// max(−x, 0)
    case negative
    /// x itself, on a diverging colormap centred at 0
    case all
  }

  /// Heatmap of the reduced map, or the 3-channel gradient as a picture.
  public enum Mode: String, CaseIterable, Sendable, SettingChoice {
    case heatmap, rgb
  }

  public var mode: Mode?
  public var sign: Sign?
  /// Percent of the attribution mass saturated before scaling (captum's `outlier_perc`).
  public var clip: Double?
  public var colormap: Colormap?
  /// Overlay opacity in [0, 1].
  public var alpha: Double?

  public init() {}
  public init(mode: Mode? = nil, sign: Sign? = nil, clip: Double? = nil, colormap: Colormap? = nil, alpha: Double? = nil) {
    self.mode = mode
    self.sign = sign
    self.clip = clip
    self.colormap = colormap
    self.alpha = alpha
  }

  public static let settingsOwner = ""
  public static let settings: [Setting<DisplaySettings>] = [
    Setting("display", \.mode, "heatmap, or rgb: the gradient as a picture, (g − mean)/std · 0.1 + 0.5 (default for guided-backprop, deconvnet, guided-grad-cam)"),
    Setting("sign", \.sign, "pixel attributions: absolute, positive, negative or all (default: all for signed sums such as IG and occlusion, else absolute)"),
    Setting("clip", \.clip, "pixel attributions: percent of the attribution mass saturated before scaling, 0-50 (default 2, captum's outlier_perc)",
            .within(0..<50, "a percentage from 0 to 50 (of the attribution mass saturated)")),
    Setting("colormap", \.colormap, "viridis, jet, inferno, turbo, RdBu, gray (default: viridis for CAM maps, gray for pixel magnitudes, RdBu for signed maps)"),
    Setting("alpha", \.alpha, "overlay opacity 0-1 (default 0.5; 1 with display: rgb)", .within(0...1, "a number from 0 to 1 (overlay opacity)")),
  ]

  /// The display keys.
  public static var keys: [String] { settings.map(\.key) }

  /// `self` with the fields `other` sets replacing ours (a comparison column's own keys over the step's).
  public func overridden(by other: DisplaySettings) -> DisplaySettings {
    DisplaySettings(mode: other.mode ?? mode, sign: other.sign ?? sign, clip: other.clip ?? clip,
                    colormap: other.colormap ?? colormap, alpha: other.alpha ?? alpha)
  }
}
