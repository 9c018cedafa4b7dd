/// Resampling identical to PIL's `Image.resize(size, BICUBIC | BILINEAR)` on 8-bit RGB images
/// (Pillow's documented two-pass convolution, reimplemented):
/// - separable: a horizontal pass, then a vertical pass (each skipped when that size is unchanged);
/// - each output sample is a weighted sum over the input samples within `support` of its centre;
///   on downscaling the filter is stretched by the scale factor (antialiasing);
/// - weights are normalised to sum to 1, converted to fixed point with 22 fractional bits
///   (rounded half away from zero), accumulated in integers from 0.5 (for rounding), and each pass
///   is clamped to 0...255 and stored as 8 bits, as PIL does.
public enum ImageResize {
  public static func bicubic(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
    resample(image, width: width, height: height, filter: .bicubic)
  }

  public static func bilinear(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
    resample(image, width: width, height: height, filter: .bilinear)
  }

  public static func resize(_ image: RGBImage, width: Int, height: Int, interpolation: Interpolation) -> RGBImage {
    switch interpolation {
    case .bicubic: bicubic(image, width: width, height: height)
    case .bilinear: bilinear(image, width: width, height: height)
    }
  }

  /// torchvision's `Resize(side)` size: the shorter side becomes `side`, the longer one
  /// int(side · long / short) (truncated, at least 1); e.g. 451x300 → 384x256.
  public static func shorterSideSize(width: Int, height: Int, shorterSide side: Int) -> (width: Int, height: Int) {
    let short = min(width, height)
    let long = max(width, height)
    let newLong = max(1, Int(Double(side * long) / Double(short)))
    return width <= height ? (side, newLong) : (newLong, side)
  }

  public enum Interpolation: String, Sendable, CaseIterable {
    case bicubic
    case bilinear
  }

  static func resample(_ image: RGBImage, width: Int, height: Int, filter: ResampleFilter) -> RGBImage {
    precondition(width > 0 && height > 0, "resize needs a positive size, got \(width)x\(height)")
    var current = image
    if width != current.width {
      let weights = ResampleWeights(inputSize: current.width, outputSize: width, filter: filter)
      current = horizontalPass(current, weights: weights)
    }
    if height != current.height {
      let weights = ResampleWeights(inputSize: current.height, outputSize: height, filter: filter)
      current = verticalPass(current, weights: weights)
    }
    return current
  }

  /// [H, W, 3] → [H, outW, 3].
  private static func horizontalPass(_ image: RGBImage, weights: ResampleWeights) -> RGBImage {
    let outWidth = weights.outputSize
    var out = [UInt8](repeating: 0, count: outWidth * image.height * 3)
    image.pixels.withUnsafeBufferPointer { input in
      out.withUnsafeMutableBufferPointer { output in
        weights.fixedPoint.withUnsafeBufferPointer { taps in
          for y in 0..<image.height {
            let inRow = y * image.width * 3
            let outRow = y * outWidth * 3
            for x in 0..<outWidth {
              let first = weights.firstInput[x]
              let count = weights.inputCount[x]
              let tapBase = x * weights.tapsPerOutput
              var red = ResampleWeights.roundingOffset
              var green = red
              var blue = red
              for tap in 0..<count {
                let weight = Int(taps[tapBase + tap])
                let source = inRow + (first + tap) * 3
                red += Int(input[source]) * weight
                green += Int(input[source + 1]) * weight
                blue += Int(input[source + 2]) * weight
              }
              output[outRow + x * 3] = ResampleWeights.clampToByte(red)
              output[outRow + x * 3 + 1] = ResampleWeights.clampToByte(green)
              output[outRow + x * 3 + 2] = ResampleWeights.clampToByte(blue)
            }
          }
        }
      }
    }
    return RGBImage(width: outWidth, height: image.height, pixels: out)
  }

  /// [H, W, 3] → [outH, W, 3].
  private static func verticalPass(_ image: RGBImage, weights: ResampleWeights) -> RGBImage {
    let outHeight = weights.outputSize
    let rowLength = image.width * 3
    var out = [UInt8](repeating: 0, count: rowLength * outHeight)
    image.pixels.withUnsafeBufferPointer { input in
      out.withUnsafeMutableBufferPointer { output in
        weights.fixedPoint.withUnsafeBufferPointer { taps in
          for y in 0..<outHeight {
            let first = weights.firstInput[y]
            let count = weights.inputCount[y]
            let tapBase = y * weights.tapsPerOutput
            for column in 0..<rowLength {
              var sum = ResampleWeights.roundingOffset
              for tap in 0..<count {
                sum += Int(input[(first + tap) * rowLength + column]) * Int(taps[tapBase + tap])
              }
              output[y * rowLength + column] = ResampleWeights.clampToByte(sum)
            }
          }
        }
      }
    }
    return RGBImage(width: image.width, height: outHeight, pixels: out)
  }
}

/// A reconstruction kernel: weight(x) for a distance x in input pixels, zero beyond `support`.
struct ResampleFilter: Sendable {
  let support: Double
  let weight: @Sendable (Double) -> Double

  /// Keys' cubic convolution with a = −0.5 (Pillow's BICUBIC), support 2:
  /// |x| < 1: (a + 2)|x|³ − (a + 3)|x|² + 1;  1 ≤ |x| < 2: a(|x|³ − 5|x|² + 8|x| − 4).
  static let bicubic = ResampleFilter(support: 2) { x in
    let a = -0.5
    let distance = abs(x)
    if distance < 1 { return ((a + 2) * distance - (a + 3)) * distance * distance + 1 }
    if distance < 2 { return (((distance - 5) * distance + 8) * distance - 4) * a }
    return 0
  }

  /// The triangle (tent) kernel, support 1.
  static let bilinear = ResampleFilter(support: 1) { x in
    let distance = abs(x)
    return distance < 1 ? 1 - distance : 0
  }
}

/// Per output sample: the first input sample used, how many, and their fixed-point weights.
struct ResampleWeights {
  static let precisionBits = 22  // 32 − 8 − 2: headroom for 8-bit samples and weight overshoot
  static let roundingOffset = 1 << (precisionBits - 1)

  let outputSize: Int
  let tapsPerOutput: Int
  let firstInput: [Int]
  let inputCount: [Int]
  /// [outputSize, tapsPerOutput]
  let fixedPoint: [Int32]

  init(inputSize: Int, outputSize: Int, filter: ResampleFilter) {
    let scale = Double(inputSize) / Double(outputSize)
    let filterScale = max(scale, 1)  // stretch the kernel only when shrinking
    let support = filter.support * filterScale
    let inverseFilterScale = 1 / filterScale  // multiplied, not divided, to round as Pillow does
    let taps = Int(support.rounded(.up)) * 2 + 1
    var firstInput = [Int](repeating: 0, count: outputSize)
    var inputCount = [Int](repeating: 0, count: outputSize)
    var fixedPoint = [Int32](repeating: 0, count: outputSize * taps)
    for output in 0..<outputSize {
      let centre = (Double(output) + 0.5) * scale  // in input pixel units
      // Truncation toward zero of (value + 0.5), as Pillow's (int) cast rounds these bounds.
      let first = max(0, Int(centre - support + 0.5))
      let end = min(inputSize, Int(centre + support + 0.5))
      let count = end - first
      var weights = (0..<max(count, 0)).map { tap in
        filter.weight((Double(first + tap) - centre + 0.5) * inverseFilterScale)
      }
      let total = weights.reduce(0, +)
      if total != 0 { weights = weights.map { $0 / total } }
      for (tap, weight) in weights.enumerated() {
        let scaled = weight * Double(1 << Self.precisionBits)
        fixedPoint[output * taps + tap] = Int32(scaled < 0 ? scaled - 0.5 : scaled + 0.5)
      }
      firstInput[output] = first
      inputCount[output] = max(count, 0)
    }
    self.outputSize = outputSize
    self.tapsPerOutput = taps
    self.firstInput = firstInput
    self.inputCount = inputCount
    self.fixedPoint = fixedPoint
  }

  /// The accumulated sum back to a byte: shift out the fraction, clamp to 0...255.
  @inline(__always)
  static func clampToByte(_ sum: Int) -> UInt8 {
    UInt8(clamping: sum >> precisionBits)
  }
}
