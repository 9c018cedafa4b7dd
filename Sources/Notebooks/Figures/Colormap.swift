import Methods

/// matplotlib's colormaps, sampled identically: value v in [0, 1] picks lookup entry
/// min(⌊v · 256⌋, 255) (matplotlib's `Colormap.__call__` for floats); NaN and values outside [0, 1]
/// are clamped to the end colours.
public enum Colormap: String, Sendable, CaseIterable, SettingChoice {  // any capitalisation: "rdbu", "Viridis"
  case viridis, jet, inferno, turbo, rdbu = "RdBu", gray

  var table: [Float] {
    switch self {
    case .viridis: return ColormapTables.viridis
    case .jet: return ColormapTables.jet
    case .inferno: return ColormapTables.inferno
    case .turbo: return ColormapTables.turbo
    case .rdbu: return ColormapTables.rdbu
    case .gray: return ColormapTables.gray
    }
  }

  /// The lookup entry for `value`.
  public static func index(for value: Float) -> Int {
    guard value.isFinite, value > 0 else { return 0 }
    return min(Int(value * 256), 255)
  }

  /// (r, g, b) in [0, 1] for `value` in [0, 1].
  public func color(_ value: Float) -> (Float, Float, Float) {
    let lut = table, offset = Colormap.index(for: value) * 3
    return (lut[offset], lut[offset + 1], lut[offset + 2])
  }

  /// Colours a map [h, w] with values in [0, 1]: [h, w, 3] floats in [0, 1].
  public func apply(_ values: [Float]) -> [Float] {
    let lut = table
    var rgb = [Float](repeating: 0, count: values.count * 3)
    for (position, value) in values.enumerated() {
      let offset = Colormap.index(for: value) * 3
      rgb[position * 3] = lut[offset]
      rgb[position * 3 + 1] = lut[offset + 1]
      rgb[position * 3 + 2] = lut[offset + 2]
    }
    return rgb
  }
}
