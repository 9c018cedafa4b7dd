// How a map is shown: the display keys a notebook step and `convlens explain` take (declared
// here once, with their help text). They never change what a method computes, so they are not
// part of a step's cache key. Defaults are the field's conventions (METHODS.md, "Display,
// overlays and colour"); nil means "the default for this map", decided by `MapDisplay`.

/// Display choices; every field nil = the conventions' defaults.
public struct DisplaySettings: Sendable, Equatable {
  /// Which part of a pixel attribution to show (captum's `visualize_image_attr` signs).
  public enum Sign: String, CaseIterable, Sendable {
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
  public enum Mode: String, CaseIterable, Sendable {
    case heatmap, rgb
  }

  public var mode: Mode?
  public var sign: Sign?
  /// Percent of the attribution mass saturated before scaling (captum's `outlier_perc`).
  public var clip: Double?
  public var colormap: Colormap?
  /// Overlay opacity in [0, 1].
  public var alpha: Double?

  public init(mode: Mode? = nil, sign: Sign? = nil, clip: Double? = nil, colormap: Colormap? = nil, alpha: Double? = nil) {
    self.mode = mode
    self.sign = sign
    self.clip = clip
    self.colormap = colormap
    self.alpha = alpha
  }

  /// (key, meaning and default), in the order help lists them.
  public static let help: [(String, String)] = [
    ("display", "heatmap, or rgb: the gradient as a picture, (g − mean)/std · 0.1 + 0.5 (default for guided-backprop, deconvnet, guided-grad-cam)"),
    ("sign", "pixel attributions: absolute, positive, negative or all (default: all for signed sums such as IG and occlusion, else absolute)"),
    ("clip", "pixel attributions: percent of the attribution mass saturated before scaling, 0-50 (default 2, captum's outlier_perc)"),
    ("colormap", "viridis, jet, inferno, turbo, RdBu, gray (default: viridis for CAM maps, gray for pixel magnitudes, RdBu for signed maps)"),
    ("alpha", "overlay opacity 0-1 (default 0.5; 1 with display: rgb)"),
  ]

  /// The display keys.
  public static var keys: [String] { help.map(\.0) }

  /// Sets `key` from the text the user typed; a bad value throws one line naming the choices.
  public mutating func set(_ key: String, to text: String) throws {
    switch key {
    case "display":
      guard let value = Mode(rawValue: text.lowercased()) else { throw Self.unknown(key, text, Mode.allCases.map(\.rawValue)) }
      mode = value
    case "sign":
      guard let value = Sign(rawValue: text.lowercased()) else { throw Self.unknown(key, text, Sign.allCases.map(\.rawValue)) }
      sign = value
    case "clip":
      guard let value = Double(text), value >= 0, value < 50 else {
        throw NotebookError("clip must be a percentage from 0 to 50 (of the attribution mass saturated), got '\(text)'")
      }
      clip = value
    case "colormap":
      colormap = try Colormap.named(text)
    case "alpha":
      guard let value = Double(text), (0...1).contains(value) else {
        throw NotebookError("alpha must be a number from 0 to 1 (overlay opacity), got '\(text)'")
      }
      alpha = value
    default:
      throw NotebookError("unknown display setting '\(key)'" + Suggestions.hint(for: key, in: Self.keys))
    }
  }

  /// `self` with the fields `other` sets replacing ours (a comparison column's own keys over the step's).
  public func overridden(by other: DisplaySettings) -> DisplaySettings {
    DisplaySettings(mode: other.mode ?? mode, sign: other.sign ?? sign, clip: other.clip ?? clip,
                    colormap: other.colormap ?? colormap, alpha: other.alpha ?? alpha)
  }

  private static func unknown(_ key: String, _ text: String, _ choices: [String]) -> NotebookError {
    NotebookError("unknown \(key) '\(text)'" + Suggestions.hint(for: text, in: choices))
  }
}
