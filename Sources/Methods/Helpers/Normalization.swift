/// Display normalisation of maps.
public enum Normalization {
  /// Per-map min-max: (x − min) / (max − min + ε), ε = 1e-7 (pytorch-grad-cam's `scale_cam_image`).
  public static func minMax(_ values: [Float], epsilon: Float = 1e-7) -> [Float] {
    guard let low = values.min(), let high = values.max() else { return values }
    let scale = 1 / (high - low + epsilon)
    return values.map { ($0 - low) * scale }
  }

  /// Symmetric scaling of a signed map to [0, 1] with 0 at 0.5: x / (2 · max|x| + ε) + 0.5, for
  /// diverging colormaps (RdBu).
  public static func signed(_ values: [Float], epsilon: Float = 1e-7) -> [Float] {
    let largest = values.reduce(0) { max($0, abs($1)) }
    return values.map { $0 / (2 * largest + epsilon) + 0.5 }
  }

  /// Reduces a [3, H, W] attribution to one [H, W] map.
  public static func reduce(_ values: [Float], channels: Int, reduction: ChannelReduction) -> [Float] {
    let plane = values.count / max(channels, 1)
    var out = [Float](repeating: 0, count: plane)
    for position in 0..<plane {
      var accumulator: Float = 0
      for channel in 0..<channels {
        let value = values[channel * plane + position]
        switch reduction {
        case .maxAbs: accumulator = max(accumulator, abs(value))
        case .sum: accumulator += value
        case .abs: accumulator += abs(value)
        }
      }
      out[position] = accumulator
    }
    return out
  }
}
