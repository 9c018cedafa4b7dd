/// An 8-bit straight (not premultiplied) RGBA picture, row-major, top row first:
/// byte `4 * (y * width + x) + c` holds channel c (0 red, 1 green, 2 blue, 3 alpha) of pixel (x, y).
public struct RasterImage: Sendable, Hashable, Codable {
  public let width: Int
  public let height: Int
  public let rgba: [UInt8]  // [height, width, 4]

  /// Throws when the byte count is not `width * height * 4` or a side is not positive.
  public init(width: Int, height: Int, rgba: [UInt8]) throws {
    guard width > 0, height > 0 else {
      throw DocumentError.invalidImage("image size \(width)x\(height): both sides must be positive")
    }
    guard rgba.count == width * height * 4 else {
      throw DocumentError.invalidImage(
        "image \(width)x\(height) has \(rgba.count) bytes, expected \(width * height * 4) (RGBA, 4 per pixel)")
    }
    self.width = width
    self.height = height
    self.rgba = rgba
  }

  private enum CodingKeys: String, CodingKey { case width, height, rgba }

  /// Decoding checks the byte count like `init(width:height:rgba:)` (e.g. for cached step results).
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    try self.init(width: container.decode(Int.self, forKey: .width), height: container.decode(Int.self, forKey: .height),
                  rgba: container.decode([UInt8].self, forKey: .rgba))
  }

  /// Builds an image by calling `pixel(x, y)` for every pixel; handy for synthetic pictures.
  public init(width: Int, height: Int, pixel: (Int, Int) -> RGBA) throws {
    var bytes = [UInt8]()
    bytes.reserveCapacity(max(0, width * height * 4))
    for y in 0..<max(0, height) {
      for x in 0..<max(0, width) {
        let p = pixel(x, y)
        bytes.append(contentsOf: [p.r, p.g, p.b, p.a])
      }
    }
    try self.init(width: width, height: height, rgba: bytes)
  }
}

/// An opaque 8-bit colour.
public struct RGB: Sendable, Hashable, Codable {
  public var r: UInt8
  public var g: UInt8
  public var b: UInt8
  public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
    self.r = r
    self.g = g
    self.b = b
  }
  /// "#rrggbb", lower case.
  public var hex: String {
    let digits = Array("0123456789abcdef")
    return "#" + [r, g, b].map { "\(digits[Int($0 >> 4)])\(digits[Int($0 & 15)])" }.joined()
  }
}

/// An 8-bit colour with straight alpha.
public struct RGBA: Sendable, Hashable, Codable {
  public var r: UInt8
  public var g: UInt8
  public var b: UInt8
  public var a: UInt8
  public init(_ r: UInt8, _ g: UInt8, _ b: UInt8, _ a: UInt8 = 255) {
    self.r = r
    self.g = g
    self.b = b
    self.a = a
  }
}

/// Errors raised while building document values; `description` is one line.
public enum DocumentError: Error, CustomStringConvertible, Equatable {
  case invalidImage(String)
  case invalidChart(String)

  public var description: String {
    switch self {
    case .invalidImage(let message): return "invalid image: \(message)"
    case .invalidChart(let message): return "invalid chart: \(message)"
    }
  }
}
