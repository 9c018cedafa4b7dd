import CCairo
import Foundation

/// PNG decoding through Cairo's PNG reader (libpng underneath), from memory.
///
/// Cairo (1.16) hands back every PNG as 8-bit ARGB32 (premultiplied alpha) or RGB24: palettes are
/// expanded, tRNS becomes alpha, gray is replicated to RGB, and 16-bit samples keep their high
/// byte (libpng's png_set_strip_16). Alpha is composited on white here.
enum PNGDecoder {
  static let cairoMaximumSide = 32767

  static func decode(data: Data, name: String, limits: ImageLimits, note: String) throws -> RGBImage {
    func failure(_ kind: ImageDecodingError.Kind, _ reason: String) -> ImageDecodingError {
      ImageDecodingError(file: name, kind: kind, message: kind == .tooLarge
        ? "PNG\(note) \(reason)" : "not a valid PNG\(note): \(reason)")
    }
    let header: PNGHeader
    do {
      header = try PNGHeader.parse(data)
    } catch {
      throw failure(.invalidPNG, error.reason)
    }
    if let violation = limits.violation(width: header.width, height: header.height) {
      throw failure(.tooLarge, violation)
    }
    // Cairo's image surfaces stop at 32767 px per side, whatever the limits allow.
    guard header.width <= cairoMaximumSide, header.height <= cairoMaximumSide else {
      throw failure(.tooLarge, "declared size \(header.width)x\(header.height) is over Cairo's maximum of "
        + "\(cairoMaximumSide) px per side")
    }
    let bytes = [UInt8](data)
    if let problem = PNGChunkWalk.structuralProblem(bytes) {
      throw failure(.invalidPNG, problem)
    }

    let source = PNGStreamSource(bytes: bytes)
    let surface = withExtendedLifetime(source) {
      cairo_image_surface_create_from_png_stream(
        { closure, destination, length in
          guard let closure, let destination else { return CAIRO_STATUS_READ_ERROR }
          let source = Unmanaged<PNGStreamSource>.fromOpaque(closure).takeUnretainedValue()
          return source.read(into: destination, count: Int(length)) ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_READ_ERROR
        },
        Unmanaged.passUnretained(source).toOpaque())
    }
    guard let surface else { throw failure(.invalidPNG, "Cairo returned no surface") }
    defer { cairo_surface_destroy(surface) }

    let status = cairo_surface_status(surface)
    guard status == CAIRO_STATUS_SUCCESS else {
      if source.ranOutOfData {
        throw failure(.invalidPNG, "truncated: the image data ends early (file of \(data.count) bytes)")
      }
      // Cairo reports every libpng error (bad checksum, broken zlib stream, ...) as NO_MEMORY or
      // READ_ERROR; the size was checked above, so these mean corrupt data, not a lack of memory.
      if status == CAIRO_STATUS_NO_MEMORY || status == CAIRO_STATUS_READ_ERROR || status == CAIRO_STATUS_PNG_ERROR {
        throw failure(.invalidPNG, "corrupt image data (libpng rejected a chunk checksum or the compressed stream)")
      }
      let cairoMessage = cairo_status_to_string(status).map { String(cString: $0) } ?? "status \(status.rawValue)"
      throw failure(.invalidPNG, "Cairo could not decode it (\(cairoMessage))")
    }
    return try pixels(of: surface, expected: header, failure: failure)
  }

  /// Converts Cairo's native-endian 32-bit pixels (A in bits 24-31, then R, G, B) to RGB bytes.
  /// Alpha on white: out = α·c + (1 − α)·255 with α = a / 255. Cairo stores the premultiplied
  /// p = round(a·c / 255) = α·c rounded, so un-premultiplying and compositing is exactly
  /// out = p + 255 − a (no second rounding, never above 255 because p ≤ a).
  private static func pixels(
    of surface: OpaquePointer, expected header: PNGHeader,
    failure: (ImageDecodingError.Kind, String) -> ImageDecodingError
  ) throws -> RGBImage {
    cairo_surface_flush(surface)
    let width = Int(cairo_image_surface_get_width(surface))
    let height = Int(cairo_image_surface_get_height(surface))
    let stride = Int(cairo_image_surface_get_stride(surface))
    let format = cairo_image_surface_get_format(surface)
    guard width == header.width, height == header.height else {
      throw failure(.invalidPNG, "Cairo decoded \(width)x\(height) but the header declares \(header.width)x\(header.height)")
    }
    guard format == CAIRO_FORMAT_ARGB32 || format == CAIRO_FORMAT_RGB24 else {
      throw failure(.invalidPNG, "Cairo returned an unexpected pixel format (\(format.rawValue))")
    }
    guard let data = cairo_image_surface_get_data(surface) else {
      throw failure(.invalidPNG, "Cairo returned a surface without pixel data")
    }
    let hasAlpha = format == CAIRO_FORMAT_ARGB32
    var rgb = [UInt8](repeating: 0, count: width * height * 3)
    rgb.withUnsafeMutableBufferPointer { out in
      let base = UnsafeRawPointer(data)
      for y in 0..<height {
        for x in 0..<width {
          let value = base.load(fromByteOffset: y * stride + x * 4, as: UInt32.self)
          let offset = (y * width + x) * 3
          let red = Int((value >> 16) & 0xFF)
          let green = Int((value >> 8) & 0xFF)
          let blue = Int(value & 0xFF)
          if hasAlpha {
            let background = 255 - Int(value >> 24)  // (1 − α)·255
            out[offset] = UInt8(min(255, red + background))
            out[offset + 1] = UInt8(min(255, green + background))
            out[offset + 2] = UInt8(min(255, blue + background))
          } else {
            out[offset] = UInt8(red)
            out[offset + 1] = UInt8(green)
            out[offset + 2] = UInt8(blue)
          }
        }
      }
    }
    return RGBImage(width: width, height: height, pixels: rgb)
  }
}

/// The bytes Cairo's read callback pulls from. A class so the C callback can reach it through an
/// unretained pointer; used on one thread only, for the duration of one decode.
private final class PNGStreamSource {
  let bytes: [UInt8]
  var offset = 0
  var ranOutOfData = false

  init(bytes: [UInt8]) { self.bytes = bytes }

  func read(into destination: UnsafeMutablePointer<UInt8>, count: Int) -> Bool {
    guard count <= bytes.count - offset else {
      ranOutOfData = true
      return false
    }
    bytes.withUnsafeBufferPointer { buffer in
      if let start = buffer.baseAddress {
        destination.update(from: start + offset, count: count)
      }
    }
    offset += count
    return true
  }
}

/// A walk over the PNG chunk layout (length, type, data, CRC) that finds truncation and missing
/// chunks before libpng does, so the message can say where the file ends.
enum PNGChunkWalk {
  static func structuralProblem(_ bytes: [UInt8]) -> String? {
    var offset = 8
    var sawImageData = false
    while true {
      guard offset + 8 <= bytes.count else {
        return "truncated: the file ends after \(bytes.count) bytes, before the IEND chunk"
      }
      let length = Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8
        | Int(bytes[offset + 3])
      let typeBytes = bytes[(offset + 4)..<(offset + 8)]
      guard typeBytes.allSatisfy({ (65...90).contains($0) || (97...122).contains($0) }) else {
        return "corrupt chunk structure at byte \(offset) (chunk type bytes are not letters)"
      }
      let type = String(decoding: typeBytes, as: UTF8.self)
      guard length <= 0x7FFF_FFFF else { return "chunk \(type) at byte \(offset) declares an invalid length" }
      let end = offset + 12 + length
      guard end <= bytes.count else {
        return "truncated: chunk \(type) at byte \(offset) needs \(12 + length) bytes but the file ends "
          + "after \(bytes.count) bytes"
      }
      if type == "IDAT" { sawImageData = true }
      if type == "IEND" { return sawImageData ? nil : "no image data (IDAT chunk) before IEND" }
      offset = end
    }
  }
}
