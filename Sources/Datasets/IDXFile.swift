import Foundation

/// An IDX array (LeCun's MNIST format): a 4-byte magic number (two zero bytes, a type code, the
/// number of dimensions), one big-endian UInt32 per dimension, then the values row-major. Only
/// unsigned bytes (type 0x08) are read: the MNIST family uses nothing else.
public struct IDXArray: Sendable, Equatable {
  /// e.g. [count, rows, columns] for images, [count] for labels.
  public var dimensions: [Int]
  public var bytes: [UInt8]

  /// Reads `url` (gzip or plain) and checks it holds `expectedDimensions` dimensions of bytes.
  public static func read(contentsOf url: URL, expectedDimensions: Int) throws -> IDXArray {
    try parse(CompressedFile.contents(of: url), name: url.lastPathComponent, expectedDimensions: expectedDimensions)
  }

  /// The magic number an unsigned-byte IDX file with `dimensions` dimensions starts with
  /// (0x00000803 = 2051 for images, 0x00000801 = 2049 for labels).
  public static func magic(dimensions: Int) -> UInt32 { 0x0800 | UInt32(dimensions) }

  static func parse(_ data: [UInt8], name: String, expectedDimensions: Int) throws -> IDXArray {
    let expected = magic(dimensions: expectedDimensions)
    let what = expectedDimensions == 1 ? "label" : "image"
    guard data.count >= 4 else {
      throw DatasetError("\(name): \(data.count) bytes is too short for an IDX file (expected the magic number \(hex(expected)))")
    }
    let found = bigEndian(data, at: 0)
    guard found == expected else {
      throw DatasetError("\(name): wrong magic number \(hex(found)) (\(found)); an IDX \(what) file starts with "
        + "\(hex(expected)) (\(expected): unsigned bytes, \(expectedDimensions) dimension\(expectedDimensions == 1 ? "" : "s"))")
    }
    let headerSize = 4 + 4 * expectedDimensions
    guard data.count >= headerSize else {
      throw DatasetError("\(name): the header is cut short (\(data.count) bytes, expected \(headerSize))")
    }
    let dimensions = (0..<expectedDimensions).map { Int(bigEndian(data, at: 4 + 4 * $0)) }
    let (total, overflow) = dimensions.reduce((1, false)) { partial, size in
      let product = partial.0.multipliedReportingOverflow(by: size)
      return (product.partialValue, partial.1 || product.overflow)
    }
    guard !overflow, data.count - headerSize == total else {
      throw DatasetError("\(name): dimensions \(dimensions) need \(total) bytes of values, the file has \(data.count - headerSize)")
    }
    return IDXArray(dimensions: dimensions, bytes: Array(data[headerSize...]))
  }

  static func bigEndian(_ data: [UInt8], at offset: Int) -> UInt32 {
    (0..<4).reduce(UInt32(0)) { ($0 << 8) | UInt32(data[offset + $1]) }
  }

  static func hex(_ value: UInt32) -> String { String(format: "0x%08X", value) }
}
