// Pictures for the bad-input table: a minimal PNG encoder (stored, uncompressed deflate blocks) for
// exact headers such as a 1x1 image or a 60000x60000 declaration, and byte-level edits of real files.
import Foundation

enum BadImages {
  /// A PNG of `width` x `height` (declared), colour type `colorType`, `bitDepth`, holding `rows`
  /// (filter byte 0 is added per row); `extraChunks` go before IDAT (e.g. PLTE).
  static func png(width: UInt32, height: UInt32, bitDepth: UInt8 = 8, colorType: UInt8 = 2,
                  rows: [[UInt8]], extraChunks: [(String, [UInt8])] = []) -> Data {
    var raw: [UInt8] = []
    for row in rows { raw += [0] + row }
    var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    bytes += chunk("IHDR", bigEndian(width) + bigEndian(height) + [bitDepth, colorType, 0, 0, 0])
    for (type, data) in extraChunks { bytes += chunk(type, data) }
    bytes += chunk("IDAT", zlibStored(raw))
    bytes += chunk("IEND", [])
    return Data(bytes)
  }

  /// `data` (a PNG) with the IHDR size replaced and its CRC recomputed, so only the size is wrong.
  static func pngDeclaring(width: UInt32, height: UInt32, from data: Data) -> Data {
    var bytes = [UInt8](data)
    bytes.replaceSubrange(16..<24, with: bigEndian(width) + bigEndian(height))
    bytes.replaceSubrange(29..<33, with: bigEndian(crc32(Array(bytes[12..<29]))))
    return Data(bytes)
  }

  /// `data` (a JPEG) with the size in its first start-of-frame segment replaced.
  static func jpegDeclaring(width: UInt16, height: UInt16, from data: Data) -> Data? {
    var bytes = [UInt8](data)
    var index = 2
    while index + 9 < bytes.count, bytes[index] == 0xFF {
      let marker = bytes[index + 1]
      let length = Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
      if (0xC0...0xC3).contains(marker) {
        bytes.replaceSubrange((index + 5)..<(index + 9), with: [UInt8(height >> 8), UInt8(height & 0xFF), UInt8(width >> 8), UInt8(width & 0xFF)])
        return Data(bytes)
      }
      index += 2 + length
    }
    return nil
  }

  private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
    let body = Array(type.utf8) + data
    return bigEndian(UInt32(data.count)) + body + bigEndian(crc32(body))
  }

  private static func bigEndian(_ value: UInt32) -> [UInt8] {
    [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
  }

  /// A zlib stream of stored blocks (no compression) with its Adler-32.
  private static func zlibStored(_ data: [UInt8]) -> [UInt8] {
    var out: [UInt8] = [0x78, 0x01]
    var offset = 0
    repeat {
      let count = min(65_535, data.count - offset)
      let last: UInt8 = offset + count >= data.count ? 1 : 0
      out += [last, UInt8(count & 0xFF), UInt8(count >> 8), UInt8(~count & 0xFF), UInt8((~count >> 8) & 0xFF)]
      out += data[offset..<(offset + count)]
      offset += count
    } while offset < data.count
    var a: UInt32 = 1, b: UInt32 = 0
    for byte in data {
      a = (a + UInt32(byte)) % 65_521
      b = (b + a) % 65_521
    }
    return out + bigEndian(b << 16 | a)
  }

  private static func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
      crc ^= UInt32(byte)
      for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
  }
}
