/// An 8-bit RGB picture, row-major, 3 bytes per pixel: `pixels[(y * width + x) * 3 + channel]`,
/// channel 0 = red, 1 = green, 2 = blue. No alpha: decoders composite transparency on white.
public struct RGBImage: Sendable, Equatable {
  public let width: Int
  public let height: Int
  /// [height, width, 3], row-major.
  public var pixels: [UInt8]

  /// `pixels.count` must be `width * height * 3` (a programming error otherwise).
  public init(width: Int, height: Int, pixels: [UInt8]) {
    precondition(width > 0 && height > 0, "RGBImage needs a positive size, got \(width)x\(height)")
    precondition(pixels.count == width * height * 3,
                 "RGBImage \(width)x\(height) needs \(width * height * 3) bytes, got \(pixels.count)")
    self.width = width
    self.height = height
    self.pixels = pixels
  }

  /// The (red, green, blue) bytes at column `x`, row `y`.
  public func pixel(x: Int, y: Int) -> (red: UInt8, green: UInt8, blue: UInt8) {
    let offset = (y * width + x) * 3
    return (pixels[offset], pixels[offset + 1], pixels[offset + 2])
  }
}

/// Largest picture a decoder accepts, checked against the size declared in the file header
/// before any pixel memory is allocated.
public struct ImageLimits: Sendable, Equatable {
  public var maxWidth: Int
  public var maxHeight: Int
  public var maxPixels: Int

  public init(maxWidth: Int, maxHeight: Int, maxPixels: Int) {
    self.maxWidth = maxWidth
    self.maxHeight = maxHeight
    self.maxPixels = maxPixels
  }

  /// 16384 x 16384 and 100 megapixels (about 400 MB while decoding).
  public static let `default` = ImageLimits(maxWidth: 16_384, maxHeight: 16_384, maxPixels: 100_000_000)

  /// Whether a declared `width` x `height` fits; `nil` if so, else what is wrong (one phrase).
  func violation(width: Int, height: Int) -> String? {
    guard width > 0, height > 0 else { return "declared size \(width)x\(height) is empty" }
    let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
    if width > maxWidth || height > maxHeight || overflow || pixels > maxPixels {
      let megapixels = Double(width) * Double(height) / 1_000_000
      return "declared size \(width)x\(height) (\(String(format: "%.1f", megapixels)) Mpx) is over the limit "
        + "of \(maxWidth)x\(maxHeight) and \(maxPixels / 1_000_000) Mpx"
    }
    return nil
  }
}
