import Foundation
import Imaging
import Testing

/// Every bad input gives an ImageDecodingError whose description is one line naming the file and
/// the problem; nothing crashes.
struct BadImageInputTests {
  private func decodingError(_ data: Data, name: String, limits: ImageLimits = .default) -> ImageDecodingError? {
    do {
      _ = try ImageDecoder.decode(data: data, name: name, limits: limits)
      return nil
    } catch let error as ImageDecodingError {
      return error
    } catch {
      Issue.record("unexpected error type \(type(of: error)): \(error)")
      return nil
    }
  }

  private func expectOneLine(_ error: ImageDecodingError?, startsWith prefix: String, contains part: String? = nil) {
    guard let error else {
      Issue.record("decoding succeeded, expected an error starting with '\(prefix)'")
      return
    }
    #expect(!error.description.contains("\n"), "multi-line: \(error.description)")
    #expect(error.description.hasPrefix(prefix), "\(error.description)")
    if let part {
      #expect(error.description.localizedCaseInsensitiveContains(part), "\(error.description)")
    }
  }

  @Test func truncatedPNGAtEveryCut() throws {
    let data = try Fixtures.data("rgb8.png")
    // Cuts inside the signature, inside IHDR, inside IDAT and just before the end.
    for length in [4, 20, 40, data.count / 2, data.count - 5] {
      let error = decodingError(data.prefix(length), name: "cut.png")
      #expect(error?.kind == .invalidPNG, "cut at \(length): \(String(describing: error))")
      expectOneLine(error, startsWith: "cut.png: not a valid PNG: truncated")
    }
  }

  @Test func corruptPNGImageData() throws {
    var bytes = [UInt8](try Fixtures.data("rgb8.png"))
    // Flip bytes in the middle of the compressed data: the chunk checksum or zlib stream breaks.
    for index in (bytes.count / 2)..<(bytes.count / 2 + 16) { bytes[index] ^= 0x5A }
    let error = decodingError(Data(bytes), name: "corrupt.png")
    #expect(error?.kind == .invalidPNG)
    expectOneLine(error, startsWith: "corrupt.png: not a valid PNG", contains: "corrupt")
  }

  @Test func corruptPNGHeaderChecksum() throws {
    var bytes = [UInt8](try Fixtures.data("rgb8.png"))
    bytes[17] ^= 0x01  // inside the width field; the stored CRC no longer matches
    let error = decodingError(Data(bytes), name: "header.png")
    #expect(error?.kind == .invalidPNG)
    expectOneLine(error, startsWith: "header.png: not a valid PNG", contains: "checksum")
  }

  @Test func truncatedJPEG() throws {
    let data = try Fixtures.data("rgb8.jpg")
    for length in [3, 100, data.count / 2, data.count - 10] {
      let error = decodingError(data.prefix(length), name: "cut.jpg")
      #expect(error?.kind == .invalidJPEG, "cut at \(length): \(String(describing: error))")
      expectOneLine(error, startsWith: "cut.jpg: not a valid JPEG", contains: length > 3 ? "truncated" : nil)
    }
  }

  @Test func corruptJPEGMarkers() throws {
    var bytes = [UInt8](try Fixtures.data("rgb8.jpg"))
    // Overwrite everything after the start marker with garbage: no valid frame header remains.
    let noise = [UInt8](pseudoRandomBytes(count: bytes.count - 3, seed: 11))
    bytes.replaceSubrange(3..<bytes.count, with: noise)
    let error = decodingError(Data(bytes), name: "corrupt.jpeg")
    #expect(error?.kind == .invalidJPEG)
    expectOneLine(error, startsWith: "corrupt.jpeg: not a valid JPEG")
  }

  @Test(arguments: [0, 1, 7, 64, 4096])
  func randomBytes(count: Int) {
    let error = decodingError(pseudoRandomBytes(count: count, seed: UInt64(count) + 1), name: "noise.png")
    #expect(error?.kind == .unsupportedFormat)
    expectOneLine(error, startsWith: "noise.png: not a PNG or JPEG image", contains: count == 0 ? "empty" : "expected PNG or JPEG")
  }

  @Test func randomBytesAfterAPNGSignature() {
    let data = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) + pseudoRandomBytes(count: 500, seed: 3)
    let error = decodingError(data, name: "fake.png")
    #expect(error?.kind == .invalidPNG)
    expectOneLine(error, startsWith: "fake.png: not a valid PNG")
  }

  @Test func randomBytesAfterAJPEGMarker() {
    let data = Data([0xFF, 0xD8, 0xFF]) + pseudoRandomBytes(count: 500, seed: 5)
    let error = decodingError(data, name: "fake.jpg")
    #expect(error?.kind == .invalidJPEG)
    expectOneLine(error, startsWith: "fake.jpg: not a valid JPEG")
  }

  @Test func errorsNameTheRealFormatWhenTheExtensionLies() throws {
    let data = try Fixtures.data("rgb8.png")
    let error = decodingError(data.prefix(data.count / 2), name: "holiday.jpg")
    expectOneLine(error, startsWith: "holiday.jpg: not a valid PNG", contains: "although the name says JPEG")
  }

  @Test func otherFormatsAreNamed() {
    let gif = Data("GIF89a".utf8) + Data(repeating: 0, count: 20)
    expectOneLine(decodingError(gif, name: "anim.gif"), startsWith: "anim.gif: not a PNG or JPEG", contains: "GIF")
  }

  @Test func declaredSizeOverTheLimitIsRefusedBeforeDecoding() throws {
    // The file is 69 bytes; decoding would need 40000 x 40000 x 4 bytes.
    let error = decodingError(try Fixtures.data("declared_40000x40000.png"), name: "huge.png")
    #expect(error?.kind == .tooLarge)
    expectOneLine(error, startsWith: "huge.png: PNG declared size 40000x40000", contains: "over the limit")
  }

  @Test func tighterLimitsApplyToBothFormats() throws {
    let limits = ImageLimits(maxWidth: 30, maxHeight: 100, maxPixels: 10_000)
    for file in ["rgb8.png", "rgb8.jpg"] {
      let error = decodingError(try Fixtures.data(file), name: file, limits: limits)
      #expect(error?.kind == .tooLarge, "\(file)")
      expectOneLine(error, startsWith: "\(file): ", contains: "37x23")
    }
    let pixelLimit = ImageLimits(maxWidth: 100, maxHeight: 100, maxPixels: 800)
    #expect(decodingError(try Fixtures.data("rgb8.jpg"), name: "a.jpg", limits: pixelLimit)?.kind == .tooLarge)
    let roomy = ImageLimits(maxWidth: 37, maxHeight: 23, maxPixels: 37 * 23)
    #expect(decodingError(try Fixtures.data("rgb8.png"), name: "a.png", limits: roomy) == nil)
  }

  @Test func missingFile() {
    let url = URL(fileURLWithPath: "/nonexistent/folder/cat.png")
    #expect(throws: ImageDecodingError(file: url.path, kind: .unreadable, message: "no such file")) {
      try ImageDecoder.decode(contentsOf: url)
    }
  }
}

extension BadImageInputTests {
  @Test func folderInsteadOfFile() {
    let folder = FileManager.default.temporaryDirectory
    #expect(throws: ImageDecodingError(file: folder.path, kind: .unreadable, message: "is a folder, not a file")) {
      try ImageDecoder.decode(contentsOf: folder)
    }
  }
}
