import Engine
import Foundation

/// Lucid's transformation robustness (lucent's `standard_transforms` then a resize back), composed
/// into one affine map and one bilinear sampling, so the backward pass is the exact adjoint of
/// that sampling. For an [H, W] image, output pixel o is read from source position
///   s = d1 − 12 + c + R(−θ)(c2 − c) / scale,  c2 = d2 + o · (H + 11) / (H − 1),  c = (H + 15) / 2,
/// i.e. pad 12 (value 0.5), jitter 8 (crop offset d1 ∈ 0...7), scale about the centre
/// (0.9...1.1 in steps of 0.02), rotate about the centre (θ from −10°...10° in 1° steps, with 0°
/// five more times, as lucent), jitter 4 (d2 ∈ 0...3), resize back to [H, W] (align corners).
/// Positions outside the image read the pad value 0.5 (lucent fills beyond the pad with 0 after a
/// rotation; one constant keeps the sampling simple). Scaling here zooms on a fixed canvas (lucent
/// changes the canvas size, which a resize back would undo).
struct RandomWarp: Sendable {
  static let padValue: Float = 0.5
  let height: Int
  let width: Int
  // Affine map from output (y, x) to source (y, x): source = origin + y·rowStep + x·columnStep.
  let originY: Double, originX: Double
  let rowStepY: Double, rowStepX: Double
  let columnStepY: Double, columnStepX: Double
  /// The draw, for captions and tests.
  let description: String

  init(height: Int, width: Int, random: inout SeededRandom) {
    self.height = height
    self.width = width
    func choose(_ count: Int) -> Int { min(Int(random.uniform() * Double(count)), count - 1) }
    let jitter1 = (y: Double(choose(8)), x: Double(choose(8)))
    let scale = 1 + Double(choose(11) - 5) / 50
    let angles = Array(-10...10) + Array(repeating: 0, count: 5)
    let degrees = Double(angles[choose(angles.count)])
    let jitter2 = (y: Double(choose(4)), x: Double(choose(4)))
    let theta = degrees * Double.pi / 180
    let canvas = (y: Double(height + 16), x: Double(width + 16))
    let centre = (y: (canvas.y - 1) / 2, x: (canvas.x - 1) / 2)
    let resize = (y: height > 1 ? (canvas.y - 5) / Double(height - 1) : 0, x: width > 1 ? (canvas.x - 5) / Double(width - 1) : 0)
    // c2(o) = d2 + o · resize; c1 = centre + R(−θ)(c2 − centre) / scale; source = c1 + d1 − 12.
    let (cosine, sine) = (cos(theta), sin(theta))
    // R(−θ) applied to (dy, dx): y' = cos·dy − sin·dx, x' = sin·dy + cos·dx.
    let base = (y: jitter2.y - centre.y, x: jitter2.x - centre.x)
    originY = centre.y + (cosine * base.y - sine * base.x) / scale + jitter1.y - 12
    originX = centre.x + (sine * base.y + cosine * base.x) / scale + jitter1.x - 12
    rowStepY = cosine * resize.y / scale
    rowStepX = sine * resize.y / scale
    columnStepY = -sine * resize.x / scale
    columnStepX = cosine * resize.x / scale
    description = "jitter (\(Int(jitter1.x)), \(Int(jitter1.y))), scale \(scale), rotate \(Int(degrees))°, jitter (\(Int(jitter2.x)), \(Int(jitter2.y)))"
  }

  /// The four source taps of output pixel (y, x): flat indices (−1 outside) and weights.
  @inline(__always)
  func taps(_ y: Int, _ x: Int) -> (indices: (Int, Int, Int, Int), weights: (Float, Float, Float, Float)) {
    let sy = originY + Double(y) * rowStepY + Double(x) * columnStepY
    let sx = originX + Double(y) * rowStepX + Double(x) * columnStepX
    let y0 = Int(floor(sy)), x0 = Int(floor(sx))
    let fy = Float(sy - Double(y0)), fx = Float(sx - Double(x0))
    func index(_ row: Int, _ column: Int) -> Int {
      row >= 0 && row < height && column >= 0 && column < width ? row * width + column : -1
    }
    return ((index(y0, x0), index(y0, x0 + 1), index(y0 + 1, x0), index(y0 + 1, x0 + 1)),
            ((1 - fy) * (1 - fx), (1 - fy) * fx, fy * (1 - fx), fy * fx))
  }

  /// image [C, H, W] → warped [C, H, W].
  func apply(_ image: [Float], channels: Int) -> [Float] {
    var out = [Float](repeating: 0, count: channels * height * width)
    forEachPixel(channels: channels) { base, pixel, i, w in
      func read(_ index: Int) -> Float { index >= 0 ? image[base + index] : RandomWarp.padValue }
      out[base + pixel] = w.0 * read(i.0) + w.1 * read(i.1) + w.2 * read(i.2) + w.3 * read(i.3)
    }
    return out
  }

  /// The adjoint of `apply` (the pad value is a constant, so it takes no gradient): each output
  /// gradient is scattered back to the taps it was read from, with the same weights.
  func adjoint(_ gradient: [Float], channels: Int) -> [Float] {
    var out = [Float](repeating: 0, count: channels * height * width)
    forEachPixel(channels: channels) { base, pixel, i, w in
      let g = gradient[base + pixel]
      if i.0 >= 0 { out[base + i.0] += w.0 * g }
      if i.1 >= 0 { out[base + i.1] += w.1 * g }
      if i.2 >= 0 { out[base + i.2] += w.2 * g }
      if i.3 >= 0 { out[base + i.3] += w.3 * g }
    }
    return out
  }

  /// `body(channel offset, output pixel y·W + x, taps, weights)` for every output pixel (row-major)
  /// and, within it, every channel: the order both `apply` and its adjoint visit them in.
  @inline(__always)
  private func forEachPixel(channels: Int, _ body: (Int, Int, (Int, Int, Int, Int), (Float, Float, Float, Float)) -> Void) {
    let plane = height * width
    for y in 0..<height {
      for x in 0..<width {
        let (i, w) = taps(y, x)
        for channel in 0..<channels { body(channel * plane, y * width + x, i, w) }
      }
    }
  }
}
