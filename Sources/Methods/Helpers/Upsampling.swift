import Engine

/// Resizing of 2-D maps ([h, w] row-major) to another resolution.
public enum Upsampling: String, Sendable, CaseIterable, SettingChoice {
  /// Bilinear with half-pixel centres (align_corners = false), as cv2.resize and F.interpolate:
  /// src = (dst + 0.5) · in/out − 0.5, clamped at 0 (PyTorch's `area_pixel_compute_source_index`).
  case bilinear
  /// Bilinear with corners aligned: src = dst · (in − 1)/(out − 1), as UpsamplingBilinear2d
  /// (pytorch-grad-cam's Score-CAM masks).
  case bilinearAlignCorners = "bilinear-align-corners"
  /// Nearest neighbour as F.interpolate(mode="nearest"): src = ⌊dst · in/out⌋.
  case nearest

  /// Resizes `map` [height, width] to [outHeight, outWidth].
  public func resize(_ map: [Float], height: Int, width: Int, toHeight outHeight: Int, width outWidth: Int) -> [Float] {
    let ys = (0..<outHeight).map { sample($0, inSize: height, outSize: outHeight) }
    let xs = (0..<outWidth).map { sample($0, inSize: width, outSize: outWidth) }
    var out = [Float](repeating: 0, count: outHeight * outWidth)
    for (row, y) in ys.enumerated() {
      for (column, x) in xs.enumerated() {
        let top = map[y.low * width + x.low] * (1 - x.weight) + map[y.low * width + x.high] * x.weight
        let bottom = map[y.high * width + x.low] * (1 - x.weight) + map[y.high * width + x.high] * x.weight
        out[row * outWidth + column] = top * (1 - y.weight) + bottom * y.weight
      }
    }
    return out
  }

  /// Source positions and interpolation weight (of `high`) for output index `dst`.
  private func sample(_ dst: Int, inSize: Int, outSize: Int) -> (low: Int, high: Int, weight: Float) {
    switch self {
    case .nearest:
      let source = min(Int(Double(dst) * Double(inSize) / Double(outSize)), inSize - 1)
      return (source, source, 0)
    case .bilinear:
      let scale = Double(inSize) / Double(outSize)
      let source = max((Double(dst) + 0.5) * scale - 0.5, 0)
      return Upsampling.neighbours(source, inSize: inSize)
    case .bilinearAlignCorners:
      let source = outSize > 1 ? Double(dst) * Double(inSize - 1) / Double(outSize - 1) : 0
      return Upsampling.neighbours(source, inSize: inSize)
    }
  }

  private static func neighbours(_ source: Double, inSize: Int) -> (low: Int, high: Int, weight: Float) {
    let low = min(Int(source), inSize - 1)
    let high = min(low + 1, inSize - 1)
    return (low, high, Float(source - Double(low)))
  }
}
