import Foundation
import Imaging
import Testing

/// Bicubic and bilinear resizing against PIL's Image.resize on the 37x23 synthetic picture.
struct ResizeTests {
  @Test(arguments: [(20, 13), (44, 27), (37, 11), (15, 23), (1, 1), (5, 40)])
  func bicubicMatchesPIL(width: Int, height: Int) throws {
    let source = try Fixtures.expectedImage("rgb8.npy")
    let reference = try Fixtures.expectedImage("rgb8_bicubic_\(width)x\(height).npy")
    let resized = ImageResize.bicubic(source, width: width, height: height)
    let difference = try #require(maxAbsDifference(resized, reference))
    #expect(difference <= 1, "bicubic \(width)x\(height): max abs difference \(difference) from PIL")
  }

  @Test(arguments: [(20, 13), (44, 27)])
  func bilinearMatchesPIL(width: Int, height: Int) throws {
    let source = try Fixtures.expectedImage("rgb8.npy")
    let reference = try Fixtures.expectedImage("rgb8_bilinear_\(width)x\(height).npy")
    let resized = ImageResize.bilinear(source, width: width, height: height)
    let difference = try #require(maxAbsDifference(resized, reference))
    #expect(difference <= 1, "bilinear \(width)x\(height): max abs difference \(difference) from PIL")
  }

  @Test func sameSizeIsTheIdentity() throws {
    let source = try Fixtures.expectedImage("rgb8.npy")
    #expect(ImageResize.bicubic(source, width: 37, height: 23) == source)
  }

  @Test func constantPictureStaysConstant() {
    // Normalised weights sum to one, so a flat colour survives any resize exactly.
    let flat = RGBImage(width: 9, height: 7, pixels: Array(repeating: [12, 200, 77], count: 63).flatMap { $0 })
    for (width, height) in [(4, 3), (20, 30), (1, 1), (9, 2)] {
      let resized = ImageResize.bicubic(flat, width: width, height: height)
      #expect(resized.pixels == Array(repeating: [12, 200, 77], count: width * height).flatMap { $0 },
              "\(width)x\(height)")
    }
  }

  @Test func onePixelUpscalesToAFlatPicture() {
    let one = RGBImage(width: 1, height: 1, pixels: [200, 30, 90])
    let resized = ImageResize.bicubic(one, width: 5, height: 3)
    #expect(resized.pixels == Array(repeating: [200, 30, 90], count: 15).flatMap { $0 })
  }

  @Test func halvingWithBilinearStretchesTheTent() {
    // 4 → 2 pixels: scale 2, so the tent is stretched to support 2. Output 0 is centred at 1.0
    // and covers inputs 0, 1, 2 at distances 0.5, 0.5, 1.5 → tent(d / 2) = 0.75, 0.75, 0.25,
    // normalised by their sum 1.75: (0.75·0 + 0.75·100 + 0.25·200) / 1.75 = 71.4 → 71.
    let row = RGBImage(width: 4, height: 1, pixels: [0, 0, 0, 100, 100, 100, 200, 200, 200, 40, 40, 40])
    let halved = ImageResize.bilinear(row, width: 2, height: 1)
    #expect(Array(halved.pixels[0..<3]) == [71, 71, 71])
  }
}
