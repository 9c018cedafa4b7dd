import Foundation

/// The fields of a PNG's IHDR chunk, parsed by hand so that the declared size can be checked
/// against `ImageLimits` before Cairo allocates the surface (Cairo allocates first and only
/// refuses sizes above 32767 px). Layout (PNG spec, section 11.2.2): 8-byte signature, then the
/// chunk length (4, big-endian, = 13), "IHDR", width (4), height (4), bit depth (1), colour type (1),
/// compression (1), filter (1), interlace (1), CRC-32 (4) over type + data.
struct PNGHeader: Equatable {
  let width: Int
  let height: Int
  let bitDepth: Int
  let colourType: Int
  let interlaced: Bool

  /// Allowed bit depths per colour type (PNG spec, table 11.1).
  static let allowedBitDepths: [Int: [Int]] = [
    0: [1, 2, 4, 8, 16],  // greyscale
    2: [8, 16],  // truecolour
    3: [1, 2, 4, 8],  // indexed (palette)
    4: [8, 16],  // greyscale + alpha
    6: [8, 16],  // truecolour + alpha
  ]

  /// Throws a one-phrase reason (no file name) when the header is missing or malformed.
  static func parse(_ data: Data) throws(PNGHeaderProblem) -> PNGHeader {
    let bytes = [UInt8](data.prefix(33))
    if bytes.count < 8, ImageFormat.pngSignature.starts(with: bytes) {
      throw PNGHeaderProblem("truncated: the file ends after \(bytes.count) bytes, inside the PNG signature")
    }
    guard bytes.count >= 8, Array(bytes[0..<8]) == ImageFormat.pngSignature else {
      throw PNGHeaderProblem("missing the PNG signature")
    }
    guard bytes.count >= 33 else {
      throw PNGHeaderProblem("truncated: the file ends after \(data.count) bytes, inside the IHDR header (33 bytes)")
    }
    let length = bigEndian32(bytes, 8)
    guard Array(bytes[12..<16]) == Array("IHDR".utf8), length == 13 else {
      throw PNGHeaderProblem("the first chunk is not a 13-byte IHDR header")
    }
    let storedCRC = bigEndian32(bytes, 29)
    let computedCRC = CRC32.checksum(bytes[12..<29])
    guard storedCRC == computedCRC else {
      throw PNGHeaderProblem(String(format: "IHDR checksum mismatch (stored %08x, computed %08x): the header is corrupt",
                                    storedCRC, computedCRC))
    }
    let width = Int(bigEndian32(bytes, 16))
    let height = Int(bigEndian32(bytes, 20))
    let bitDepth = Int(bytes[24])
    let colourType = Int(bytes[25])
    // Width and height are at most 2^31 - 1 by the spec.
    guard width > 0, height > 0, width <= Int(Int32.max), height <= Int(Int32.max) else {
      throw PNGHeaderProblem("IHDR declares an invalid size \(width)x\(height)")
    }
    guard let depths = allowedBitDepths[colourType] else {
      throw PNGHeaderProblem("IHDR declares unknown colour type \(colourType) (expected 0, 2, 3, 4 or 6)")
    }
    guard depths.contains(bitDepth) else {
      throw PNGHeaderProblem("IHDR declares bit depth \(bitDepth), invalid for colour type \(colourType) "
        + "(allowed: \(depths.map(String.init).joined(separator: ", ")))")
    }
    guard bytes[26] == 0, bytes[27] == 0, bytes[28] <= 1 else {
      throw PNGHeaderProblem("IHDR declares unknown compression/filter/interlace methods "
        + "\(bytes[26])/\(bytes[27])/\(bytes[28])")
    }
    return PNGHeader(width: width, height: height, bitDepth: bitDepth, colourType: colourType,
                     interlaced: bytes[28] == 1)
  }

  private static func bigEndian32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
    (UInt32(bytes[offset]) << 24) | (UInt32(bytes[offset + 1]) << 16) | (UInt32(bytes[offset + 2]) << 8)
      | UInt32(bytes[offset + 3])
  }
}

struct PNGHeaderProblem: Error {
  let reason: String
  init(_ reason: String) { self.reason = reason }
}

/// CRC-32 as PNG and zlib define it (reflected polynomial 0xEDB88320, initial and final XOR
/// 0xFFFFFFFF; PNG spec annex D), table-driven.
enum CRC32 {
  static let table: [UInt32] = (0..<256).map { index in
    var value = UInt32(index)
    for _ in 0..<8 {
      value = (value & 1) != 0 ? (0xEDB8_8320 ^ (value >> 1)) : (value >> 1)
    }
    return value
  }

  static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
      crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
    }
    return crc ^ 0xFFFF_FFFF
  }
}
