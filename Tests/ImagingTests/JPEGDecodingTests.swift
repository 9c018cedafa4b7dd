import Foundation
import Imaging
import Testing

/// Decoded JPEGs against PIL's decoding (both libjpeg-turbo, so within 1 per byte; usually equal).
struct JPEGDecodingTests {
  @Test(arguments: [
    ("rgb8.jpg", "rgb8_jpg_decoded.npy"),
    ("gray8.jpg", "gray8_jpg_decoded.npy"),
    ("cmyk.jpg", "cmyk_jpg_decoded.npy"),
    ("tiny1x1.jpg", "tiny1x1_jpg_decoded.npy"),
  ])
  func decodesLikePIL(file: String, expected: String) throws {
    let decoded = try Fixtures.image(file)
    let reference = try Fixtures.expectedImage(expected)
    let difference = try #require(maxAbsDifference(decoded, reference), "\(file): size \(decoded.width)x\(decoded.height)")
    #expect(difference <= 1, "\(file) differs from PIL by up to \(difference)")
  }

  @Test func jpegIsCloseToTheLosslessOriginal() throws {
    // Independent of PIL's decoder: quality-90 JPEG stays near the PNG it was made from.
    let decoded = try Fixtures.image("rgb8.jpg")
    let original = try Fixtures.expectedImage("rgb8.npy")
    let meanError = zip(decoded.pixels, original.pixels).map { abs(Double($0) - Double($1)) }.reduce(0, +)
      / Double(original.pixels.count)
    #expect(meanError < 12, "mean abs error \(meanError)")
  }

  @Test func cmykJpegComesOutInTheRightColours() throws {
    // Without the Adobe inversion the picture would be a negative: compare with the RGB source.
    let decoded = try Fixtures.image("cmyk.jpg")
    let original = try Fixtures.expectedImage("rgb8.npy")
    let meanError = zip(decoded.pixels, original.pixels).map { abs(Double($0) - Double($1)) }.reduce(0, +)
      / Double(original.pixels.count)
    #expect(meanError < 12, "mean abs error \(meanError)")
  }

  @Test(.enabled(if: Fixtures.sharedFile("images/rocket.jpg") != nil, "needs ../shared/images/rocket.jpg"))
  func decodesTheSharedSampleJpeg() throws {
    let rocket = try #require(Fixtures.sharedFile("images/rocket.jpg"))
    let decoded = try ImageDecoder.decode(contentsOf: rocket)
    #expect(decoded.width == 640 && decoded.height == 427)
  }
}
