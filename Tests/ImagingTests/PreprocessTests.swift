import Foundation
import Imaging
import Testing

/// Presets, torchvision-style resize + centre crop, normalisation, and the chelsea photo vs PIL.
struct PreprocessTests {
  private func smallPreset(_ base: PreprocessPreset, side: Int, crop: Int) throws -> PreprocessPreset {
    try PreprocessPreset(name: "small-\(base.name)", resizeShorterSide: side, centerCrop: crop,
                         scale: base.scale, mean: base.mean, std: base.std)
  }

  @Test func pipelineMatchesTorchvisionOnPIL() throws {
    // 37x23 → shorter side 16 → 25x16, centre crop 12 at left round(6.5) = 6, top 2.
    let source = try Fixtures.expectedImage("rgb8.npy")
    let result = preprocess(source, preset: try smallPreset(.efficientNetLite, side: 16, crop: 12))
    let reference = try Fixtures.expectedImage("pipeline_16_crop12.npy")
    #expect(result.shape == [3, 12, 12])
    let difference = try #require(maxAbsDifference(result.displayImage, reference))
    #expect(difference <= 1, "display image differs from PIL by \(difference)")
  }

  @Test(arguments: [("efficientnet-lite", "pipeline_16_crop12_effnet.npy"),
                    ("imagenet", "pipeline_16_crop12_imagenet.npy")])
  func normalisedValuesMatchNumpy(presetName: String, expected: String) throws {
    let source = try Fixtures.expectedImage("rgb8.npy")
    let preset = try smallPreset(try PreprocessPreset.named(presetName), side: 16, crop: 12)
    let result = preprocess(source, preset: preset)
    let reference = try NPYFile.read(contentsOf: Fixtures.url(expected))
    #expect(reference.shape == result.shape)
    // One byte of resize difference would move a value by 1/128 (or 1/(255·0.224)); allow that.
    let worst = zip(result.values, reference.values).map { abs($0 - $1) }.max() ?? .infinity
    #expect(worst <= 0.018, "\(presetName): max abs difference \(worst)")
  }

  @Test func portraitOddMarginCrop() throws {
    // 23x37 → shorter side 10 → 10x16, crop 9: left round(0.5) = 0, top round(3.5) = 4.
    let source = try Fixtures.expectedImage("rgb8.npy")
    var transposed = [UInt8](repeating: 0, count: source.pixels.count)
    for y in 0..<source.height {
      for x in 0..<source.width {
        for channel in 0..<3 {
          transposed[(x * source.height + y) * 3 + channel] = source.pixels[(y * source.width + x) * 3 + channel]
        }
      }
    }
    let portrait = RGBImage(width: source.height, height: source.width, pixels: transposed)
    let result = preprocess(portrait, preset: try smallPreset(.efficientNetLite, side: 10, crop: 9))
    let reference = try Fixtures.expectedImage("portrait_10_crop9.npy")
    let difference = try #require(maxAbsDifference(result.displayImage, reference))
    #expect(difference <= 1)
  }

  @Test func centreCropOffsetsRoundHalfToEven() {
    #expect(CenterCrop.offset(size: 25, cropSize: 12) == 6)  // 6.5 → 6
    #expect(CenterCrop.offset(size: 27, cropSize: 12) == 8)  // 7.5 → 8
    #expect(CenterCrop.offset(size: 384, cropSize: 224) == 80)
    #expect(CenterCrop.offset(size: 224, cropSize: 224) == 0)
  }

  @Test func cropLargerThanTheImagePadsWithBlack() {
    let image = RGBImage(width: 2, height: 1, pixels: [10, 20, 30, 40, 50, 60])
    let cropped = CenterCrop.crop(image, width: 4, height: 3)
    // torchvision pads (4 − 2) // 2 = 1 column left, (3 − 1) // 2 = 1 row on top.
    var expected = [UInt8](repeating: 0, count: 4 * 3 * 3)
    expected.replaceSubrange(15..<21, with: [10, 20, 30, 40, 50, 60])  // row 1, columns 1-2
    #expect(cropped.pixels == expected)
  }

  @Test func shorterSideSizes() {
    #expect(ImageResize.shorterSideSize(width: 451, height: 300, shorterSide: 256) == (384, 256))  // int(384.85)
    #expect(ImageResize.shorterSideSize(width: 300, height: 451, shorterSide: 256) == (256, 384))
    #expect(ImageResize.shorterSideSize(width: 500, height: 500, shorterSide: 256) == (256, 256))
  }

  @Test func efficientNetLiteNormalisation() throws {
    let image = RGBImage(width: 1, height: 1, pixels: [0, 127, 255])
    let preset = try PreprocessPreset(name: "plain", resizeShorterSide: nil, centerCrop: nil,
                                      scale: 1, mean: [127, 127, 127], std: [128, 128, 128])
    let result = preprocess(image, preset: preset)
    #expect(result.values == [-127.0 / 128, 0, 1])
  }

  @Test func nonePresetKeepsTheSizeAndScalesToUnitRange() throws {
    let image = RGBImage(width: 2, height: 1, pixels: [0, 51, 255, 255, 0, 102])
    let result = preprocess(image, preset: try PreprocessPreset.named("none"))
    #expect(result.shape == [3, 1, 2])
    #expect(result.displayImage == image)
    // Channel planes: red (0, 255), green (51, 0), blue (255, 102), each / 255.
    let expected: [Float] = [0, 1, 0.2, 0, 1, 0.4]
    #expect(zip(result.values, expected).allSatisfy { abs($0 - $1) < 1e-6 }, "\(result.values)")
  }

  @Test func presetLookup() throws {
    #expect(try PreprocessPreset.named("EfficientNet-Lite") == .efficientNetLite)
    #expect(try PreprocessPreset.named("imagenet").mean == [0.485, 0.456, 0.406])
    do {
      _ = try PreprocessPreset.named("imagnet")
      Issue.record("an unknown preset was accepted")
    } catch let error as PreprocessPresetError {
      #expect(error.description.contains("did you mean 'imagenet'"), "\(error)")
      #expect(error.description.contains("efficientnet-lite, imagenet, none"), "\(error)")
    }
  }

  @Test func invalidCustomPresetsAreRejected() {
    #expect(throws: PreprocessPresetError.self) {
      try PreprocessPreset(name: "x", resizeShorterSide: 0, centerCrop: nil, scale: 1, mean: [0, 0, 0], std: [1, 1, 1])
    }
    #expect(throws: PreprocessPresetError.self) {
      try PreprocessPreset(name: "x", resizeShorterSide: nil, centerCrop: nil, scale: 1, mean: [0], std: [1, 1, 1])
    }
    #expect(throws: PreprocessPresetError.self) {
      try PreprocessPreset(name: "x", resizeShorterSide: nil, centerCrop: nil, scale: 1, mean: [0, 0, 0], std: [1, 0, 1])
    }
  }

  @Test func summaryStatesTheConventions() {
    #expect(PreprocessPreset.efficientNetLite.summary
      == "efficientnet-lite: shorter side → 256 (bicubic), centre crop 224, (pixel − 127) / 128")
    #expect(PreprocessPreset.none.summary == "none: pixel / 255")
  }

  @Test(.enabled(if: Fixtures.sharedFile("images/chelsea.png") != nil, "needs ../shared/images/chelsea.png"))
  func chelseaMatchesPILWithinOne() throws {
    let chelsea = try #require(Fixtures.sharedFile("images/chelsea.png"))
    let result = preprocess(try ImageDecoder.decode(contentsOf: chelsea), preset: .efficientNetLite)
    let reference = try Fixtures.image("chelsea_pil_256_crop224.png")
    #expect(result.shape == [3, 224, 224])
    let difference = try #require(maxAbsDifference(result.displayImage, reference))
    #expect(difference <= 1, "chelsea differs from PIL by \(difference)")
  }
}
