/// Blends a coloured map over the picture: (1 − α) · image + α · colormap(map).
public enum Overlay {
  /// - image: [H, W, 3] bytes (the picture the model saw).
  /// - map: [H, W] values in [0, 1] (already normalised and upsampled to the picture's size).
  /// Returns [H, W, 3] bytes, rounded to nearest.
  public static func blend(image: [UInt8], map: [Float], colormap: Colormap, alpha: Float) -> [UInt8] {
    let colors = colormap.apply(map)
    var out = [UInt8](repeating: 0, count: image.count)
    for index in 0..<min(image.count, colors.count) {
      let value = (1 - alpha) * Float(image[index]) / 255 + alpha * colors[index]
      out[index] = UInt8(max(0, min(255, (value * 255).rounded())))
    }
    return out
  }

  /// The colormap alone as bytes (no picture underneath, e.g. for .npy inputs).
  public static func colorize(map: [Float], colormap: Colormap) -> [UInt8] {
    colormap.apply(map).map { UInt8(max(0, min(255, ($0 * 255).rounded()))) }
  }
}
