import CTurboJPEG
import Foundation

/// JPEG decoding through libjpeg-turbo's TurboJPEG API, from memory, with the library defaults
/// (accurate integer DCT, fancy upsampling), as PIL decodes. EXIF orientation is not applied,
/// like PIL's `Image.open` and torchvision.
enum JPEGDecoder {
  static func decode(data: Data, name: String, limits: ImageLimits, note: String) throws -> RGBImage {
    func failure(_ kind: ImageDecodingError.Kind, _ reason: String) -> ImageDecodingError {
      ImageDecodingError(file: name, kind: kind, message: kind == .tooLarge
        ? "JPEG\(note) \(reason)" : "not a valid JPEG\(note): \(reason)")
    }
    guard let handle = tjInitDecompress() else {
      throw failure(.invalidJPEG, "libturbojpeg could not create a decompressor")
    }
    // The handle stays local to this call, so it never crosses threads.
    defer { tjDestroy(handle) }
    let bytes = [UInt8](data)

    var width: Int32 = 0
    var height: Int32 = 0
    var subsampling: Int32 = 0
    var colourspace: Int32 = 0
    let headerStatus = bytes.withUnsafeBufferPointer { buffer in
      tjDecompressHeader3(handle, buffer.baseAddress, UInt(buffer.count), &width, &height, &subsampling, &colourspace)
    }
    guard headerStatus == 0 else {
      let hint = JPEGMarkers.endsWithEndOfImage(bytes) ? "" : "; no FF D9 end marker, so probably truncated"
      throw failure(.invalidJPEG, "bad header (\(errorText(handle))\(hint))")
    }
    guard width > 0, height > 0 else {
      throw failure(.invalidJPEG, "truncated: no frame header before the data ends (after \(bytes.count) bytes)")
    }
    if let violation = limits.violation(width: Int(width), height: Int(height)) {
      throw failure(.tooLarge, violation)
    }

    // CMYK and YCCK JPEGs can only be decompressed to CMYK; convert to RGB ourselves.
    let isCMYK = colourspace == Int32(TJCS_CMYK.rawValue) || colourspace == Int32(TJCS_YCCK.rawValue)
    let channels = isCMYK ? 4 : 3
    let pixelFormat = isCMYK ? Int32(TJPF_CMYK.rawValue) : Int32(TJPF_RGB.rawValue)
    var decoded = [UInt8](repeating: 0, count: Int(width) * Int(height) * channels)
    let status = bytes.withUnsafeBufferPointer { input in
      decoded.withUnsafeMutableBufferPointer { output in
        tjDecompress2(handle, input.baseAddress, UInt(input.count), output.baseAddress, width, 0, height, pixelFormat, 0)
      }
    }
    if status != 0 {
      let message = errorText(handle)
      // Warnings leave a usable picture (e.g. "extraneous bytes before marker", which PIL also
      // accepts) except a premature end of data: then the bottom of the picture is grey filler.
      let isWarning = tjGetErrorCode(handle) == Int32(TJERR_WARNING.rawValue)
      if !isWarning || message.localizedCaseInsensitiveContains("premature end") {
        let reason = message.localizedCaseInsensitiveContains("premature end")
          ? "truncated: the image data ends early (\(message))" : "corrupt image data (\(message))"
        throw failure(.invalidJPEG, reason)
      }
    }
    guard isCMYK else { return RGBImage(width: Int(width), height: Int(height), pixels: decoded) }
    let inverted = JPEGMarkers.hasAdobeSegment(bytes)
    return RGBImage(width: Int(width), height: Int(height),
                    pixels: CMYKConversion.rgb(fromCMYK: decoded, adobeInverted: inverted))
  }

  private static func errorText(_ handle: tjhandle) -> String {
    guard let text = tjGetErrorStr2(handle) else { return "unknown libturbojpeg error" }
    return String(cString: text)
  }
}

/// CMYK → RGB without colour management, as PIL's `convert("RGB")` does it:
/// R = (255 − K) − round(C · (255 − K) / 255), likewise G from M and B from Y.
enum CMYKConversion {
  /// `cmyk` [N, 4]. Adobe (Photoshop, PIL) writes CMYK JPEGs with inverted samples and an APP14
  /// "Adobe" segment; PIL then reads them inverted ("CMYK;I"), and so do we.
  static func rgb(fromCMYK cmyk: [UInt8], adobeInverted: Bool) -> [UInt8] {
    let count = cmyk.count / 4
    var rgb = [UInt8](repeating: 0, count: count * 3)
    for index in 0..<count {
      func sample(_ channel: Int) -> Int {
        let value = Int(cmyk[index * 4 + channel])
        return adobeInverted ? 255 - value : value
      }
      let notBlack = 255 - sample(3)
      for channel in 0..<3 {
        rgb[index * 3 + channel] = UInt8(clamping: notBlack - divideBy255Rounded(sample(channel) * notBlack))
      }
    }
    return rgb
  }

  /// round(value / 255) for 0 ≤ value ≤ 255², with the usual (t + (t >> 8)) >> 8 identity.
  static func divideBy255Rounded(_ value: Int) -> Int {
    let shifted = value + 128
    return (shifted + (shifted >> 8)) >> 8
  }
}

/// A walk over the JPEG marker segments before the first scan.
enum JPEGMarkers {
  /// Whether the last two bytes are the end-of-image marker FF D9 (a hint for truncation only:
  /// some writers append data after it).
  static func endsWithEndOfImage(_ bytes: [UInt8]) -> Bool {
    bytes.count >= 4 && bytes[bytes.count - 2] == 0xFF && bytes[bytes.count - 1] == 0xD9
  }

  /// Whether an APP14 segment whose payload starts with "Adobe" precedes the image data.
  static func hasAdobeSegment(_ bytes: [UInt8]) -> Bool {
    var offset = 2  // after SOI (FF D8)
    while offset + 1 < bytes.count {
      guard bytes[offset] == 0xFF else { return false }
      let marker = bytes[offset + 1]
      if marker == 0xFF { offset += 1; continue }  // fill byte
      if marker == 0xDA || marker == 0xD9 { return false }  // start of scan / end of image
      if (0xD0...0xD7).contains(marker) || marker == 0x01 { offset += 2; continue }  // no length field
      guard offset + 3 < bytes.count else { return false }
      let length = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
      if marker == 0xEE, length >= 7, offset + 9 <= bytes.count,
         Array(bytes[(offset + 4)..<(offset + 9)]) == Array("Adobe".utf8) {
        return true
      }
      offset += 2 + length
    }
    return false
  }
}
