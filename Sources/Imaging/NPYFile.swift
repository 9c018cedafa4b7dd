import Foundation

/// A float32 array as stored in a NumPy `.npy` file, C (row-major) order.
public struct NPYArray: Sendable, Equatable {
  public var shape: [Int]
  public var values: [Float]

  /// `values.count` must equal the product of `shape` (1 for a scalar, shape []).
  public init(shape: [Int], values: [Float]) {
    precondition(shape.allSatisfy { $0 >= 0 } && shape.reduce(1, *) == values.count,
                 "NPYArray shape \(shape) does not hold \(values.count) values")
    self.shape = shape
    self.values = values
  }
}

/// Reading and writing `.npy` files (format versions 1.0, 2.0 and 3.0) holding little-endian
/// float32 ('<f4') in C order, the layout `np.save(path, array.astype(np.float32))` writes.
/// Layout: magic "\x93NUMPY", major, minor, header length (uint16 LE in 1.0, uint32 LE in
/// 2.0/3.0), an ASCII Python dict {'descr': '<f4', 'fortran_order': False, 'shape': (…), }
/// padded with spaces and a newline, then the raw values.
public enum NPYFile {
  static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

  public static func read(contentsOf url: URL) throws -> NPYArray {
    let name = FileReading.displayName(url)
    let data: Data
    do {
      data = try FileReading.contents(of: url)
    } catch {
      throw NPYError(file: name, message: error.reason)
    }
    return try read(data: data, name: name)
  }

  public static func read(data: Data, name: String) throws -> NPYArray {
    let bytes = [UInt8](data)
    func problem(_ text: String) -> NPYError { NPYError(file: name, message: text) }
    guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
      throw problem("not a .npy file (missing the \\x93NUMPY magic bytes)")
    }
    let major = bytes[6]
    let headerLength: Int
    let headerStart: Int
    switch major {
    case 1:
      headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
      headerStart = 10
    case 2, 3:
      guard bytes.count >= 12 else { throw problem("truncated .npy header") }
      headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
      headerStart = 12
    default:
      throw problem("unsupported .npy format version \(major).\(bytes[7]) (expected 1.0, 2.0 or 3.0)")
    }
    guard headerStart + headerLength <= bytes.count else {
      throw problem("truncated .npy header (declares \(headerLength) bytes, the file has \(bytes.count - headerStart))")
    }
    guard let headerText = String(bytes: bytes[headerStart..<(headerStart + headerLength)], encoding: .utf8) else {
      throw problem("the .npy header is not text")
    }
    let header: NPYHeader
    do {
      header = try NPYHeader.parse(headerText)
    } catch {
      throw problem("bad .npy header \(headerText.trimmingCharacters(in: .whitespacesAndNewlines)): \(error.reason)")
    }
    guard header.descr == "<f4" else {
      throw problem("dtype '\(header.descr)' (\(NPYHeader.describe(dtype: header.descr))) is not supported; "
        + "expected '<f4' (float32 little-endian): save with array.astype('<f4')")
    }
    guard !header.fortranOrder else {
      throw problem("Fortran-order (column-major) arrays are not supported; expected C order: "
        + "save np.ascontiguousarray(array)")
    }
    var count = 1
    for dimension in header.shape {
      let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
      guard !overflow, product <= Int(Int32.max) else { throw problem("shape \(header.shape) is too large") }
      count = product
    }
    let dataStart = headerStart + headerLength
    let available = bytes.count - dataStart
    guard available >= count * 4 else {
      throw problem("truncated data: shape \(header.shape) needs \(count * 4) bytes, the file has \(available)")
    }
    guard available == count * 4 else {
      throw problem("\(available - count * 4) unexpected bytes after the data of shape \(header.shape)")
    }
    var values = [Float](repeating: 0, count: count)
    values.withUnsafeMutableBytes { destination in
      bytes.withUnsafeBytes { source in
        destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[dataStart..<(dataStart + count * 4)]))
      }
    }
    #if _endian(big)
      values = values.map { Float(bitPattern: UInt32(littleEndian: $0.bitPattern)) }
    #endif
    return NPYArray(shape: header.shape, values: values)
  }

  /// The `.npy` bytes (version 1.0, or 2.0 if the header would exceed 65535 bytes) of `array`.
  public static func encode(_ array: NPYArray) -> Data {
    let shapeText: String = switch array.shape.count {
    case 0: "()"
    case 1: "(\(array.shape[0]),)"
    default: "(" + array.shape.map(String.init).joined(separator: ", ") + ")"
    }
    let dict = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shapeText), }"
    // Pad with spaces so that magic + version + length + header is a multiple of 64 bytes,
    // ending in "\n" (as NumPy does, keeping the data aligned).
    func header(prefixLength: Int) -> [UInt8] {
      let unpadded = prefixLength + dict.utf8.count + 1
      let padding = (64 - unpadded % 64) % 64
      return Array((dict + String(repeating: " ", count: padding) + "\n").utf8)
    }
    var out = magic
    var text = header(prefixLength: 10)
    if text.count <= 0xFFFF {
      out += [1, 0, UInt8(text.count & 0xFF), UInt8(text.count >> 8)]
    } else {
      text = header(prefixLength: 12)
      out += [2, 0] + (0..<4).map { UInt8((text.count >> (8 * $0)) & 0xFF) }
    }
    out += text
    var data = Data(out)
    #if _endian(big)
      let littleEndian = array.values.map { $0.bitPattern.littleEndian }
      littleEndian.withUnsafeBufferPointer { data.append($0) }
    #else
      array.values.withUnsafeBufferPointer { data.append($0) }  // raw bytes, already little-endian
    #endif
    return data
  }
}

/// A `.npy` file that cannot be read; `description` is one line: `<file>: <problem>`.
public struct NPYError: Error, CustomStringConvertible, Equatable {
  public let file: String
  public let message: String
  public var description: String { "\(file): \(message)" }
}
