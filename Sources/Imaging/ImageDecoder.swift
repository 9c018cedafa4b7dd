import Foundation

/// Reads PNG and JPEG pictures into `RGBImage`. The format is taken from the first bytes, never
/// from the file name, so a PNG named `.jpg` loads; errors name the format actually found.
public enum ImageDecoder {
  public static func decode(contentsOf url: URL, limits: ImageLimits = .default) throws -> RGBImage {
    let name = FileReading.displayName(url)
    let data: Data
    do {
      data = try FileReading.contents(of: url)
    } catch {
      throw ImageDecodingError(file: name, kind: .unreadable, message: error.reason)
    }
    return try decode(data: data, name: name, limits: limits)
  }

  /// `name` is only used in error messages and to note a misleading extension.
  public static func decode(data: Data, name: String, limits: ImageLimits = .default) throws -> RGBImage {
    let format = ImageFormat.sniff(data)
    switch format {
    case .png:
      return try PNGDecoder.decode(data: data, name: name, limits: limits, note: extensionNote(name, format))
    case .jpeg:
      return try JPEGDecoder.decode(data: data, name: name, limits: limits, note: extensionNote(name, format))
    case .other(let label):
      let found = data.isEmpty ? "the file is empty" : "the content is \(label)"
      throw ImageDecodingError(file: name, kind: .unsupportedFormat,
                               message: "not a PNG or JPEG image: \(found) (expected PNG or JPEG data)")
    }
  }

  /// " (the content is PNG although the name says JPEG)" when the extension claims another
  /// format than the content, else "".
  static func extensionNote(_ name: String, _ format: ImageFormat) -> String {
    let ext = (name as NSString).pathExtension.lowercased()
    let claimed: String? = switch ext {
    case "png": "PNG"
    case "jpg", "jpeg", "jpe", "jfif": "JPEG"
    default: nil
    }
    guard let claimed, claimed != format.label else { return "" }
    return " (the content is \(format.label) although the name says \(claimed))"
  }
}

/// An image container recognised by its magic bytes.
enum ImageFormat: Equatable {
  case png
  case jpeg
  /// Anything else, with a short label for messages ("GIF data", "random bytes", ...).
  case other(String)

  var label: String {
    switch self {
    case .png: "PNG"
    case .jpeg: "JPEG"
    case .other(let label): label
    }
  }

  static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

  static func sniff(_ data: Data) -> ImageFormat {
    let head = [UInt8](data.prefix(12))
    func starts(with magic: [UInt8]) -> Bool { head.count >= magic.count && Array(head.prefix(magic.count)) == magic }
    if starts(with: pngSignature) { return .png }
    // A file cut inside the 8-byte signature is still a (truncated) PNG for the messages.
    if head.count >= 4, head.count < 8, pngSignature.starts(with: head) { return .png }
    if starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
    // Known formats we do not read, named so the user knows what to convert.
    if starts(with: Array("GIF8".utf8)) { return .other("GIF data") }
    if starts(with: Array("BM".utf8)) { return .other("BMP data") }
    if starts(with: [0x49, 0x49, 0x2A, 0x00]) || starts(with: [0x4D, 0x4D, 0x00, 0x2A]) { return .other("TIFF data") }
    if starts(with: Array("RIFF".utf8)), head.count >= 12, Array(head[8..<12]) == Array("WEBP".utf8) {
      return .other("WebP data")
    }
    if starts(with: [0x93] + Array("NUMPY".utf8)) { return .other("a NumPy .npy array") }
    if head.count >= 8, Array(head[4..<8]) == Array("ftyp".utf8) { return .other("HEIF/AVIF or MP4 data") }
    if starts(with: Array(pngSignature.prefix(4))) {
      return .other("a PNG with a damaged signature (was it copied in text mode?)")
    }
    return .other("not a recognised image format")
  }
}
