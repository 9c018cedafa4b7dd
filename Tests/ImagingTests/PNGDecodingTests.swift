import Foundation
import Imaging
import Testing

/// Decoded PNGs against what PIL + numpy decode (alpha composited on white, 16-bit → high byte).
struct PNGDecodingTests {
  @Test(arguments: [
    ("rgb8.png", "rgb8.npy"),
    ("rgb8_interlaced.png", "rgb8.npy"),
    ("bilevel1.png", "bilevel1.npy"),
    ("gray8.png", "gray8.npy"),
    ("gray16.png", "gray16.npy"),
    ("rgb16.png", "rgb16.npy"),
    ("rgba8.png", "rgba8.npy"),
    ("rgba16.png", "rgba16.npy"),
    ("gray_alpha8.png", "gray_alpha8.npy"),
    ("palette.png", "palette.npy"),
  ])
  func decodesLikePIL(file: String, expected: String) throws {
    let decoded = try Fixtures.image(file)
    let reference = try Fixtures.expectedImage(expected)
    #expect(decoded.width == 37 && decoded.height == 23)
    #expect(maxAbsDifference(decoded, reference) == 0, "\(file) differs from \(expected)")
  }

  @Test func fullyTransparentPixelsComeOutWhite() throws {
    // The fixture's first column has alpha 0 whatever its colour.
    let decoded = try Fixtures.image("rgba8.png")
    for y in 0..<decoded.height {
      let pixel = decoded.pixel(x: 0, y: y)
      #expect(pixel.red == 255 && pixel.green == 255 && pixel.blue == 255, "row \(y)")
    }
  }

  @Test func onePixelImage() throws {
    let decoded = try Fixtures.image("tiny1x1.png")
    #expect(decoded.width == 1 && decoded.height == 1)
    #expect(decoded.pixels == [200, 30, 90])
  }

  @Test func pngNamedJpgLoadsByContent() throws {
    let data = try Fixtures.data("rgb8.png")
    let decoded = try ImageDecoder.decode(data: data, name: "photo.jpg")
    #expect(maxAbsDifference(decoded, try Fixtures.expectedImage("rgb8.npy")) == 0)
  }

  @Test(.enabled(if: Fixtures.sharedFile("images/chelsea.png") != nil, "needs ../shared/images/chelsea.png"))
  func decodesTheSharedSamplePhoto() throws {
    let chelsea = try #require(Fixtures.sharedFile("images/chelsea.png"))
    let decoded = try ImageDecoder.decode(contentsOf: chelsea)
    #expect(decoded.width == 451 && decoded.height == 300)
  }
}
