import Document
import Foundation
import Methods
import Testing
@testable import Notebooks

/// The display rules (ARCHITECTURE.md, "Display: from a map to pixels") against hand-computed values:
/// captum's sign and outlier clipping, Grad-CAM's min-max and signed scaling, the papers' RGB
/// gradient pictures, and the errors for settings that do not apply.
@Suite struct MapDisplayTests {
  /// The gray colormap's byte for unit value `value` (matplotlib's LUT entry i is i/255).
  static func gray(_ value: Float) -> UInt8 { UInt8(Colormap.index(for: value)) }

  /// Red channel of pixel `index`.
  static func red(_ image: RasterImage, _ index: Int) -> UInt8 { image.rgba[index * 4] }

  @Test func colormapEndpointsAndMidpointAreMatplotlibs() {
    // Values printed by Scripts/make_colormaps.py from matplotlib.
    func close(_ a: (Float, Float, Float), _ b: (Float, Float, Float)) -> Bool {
      abs(a.0 - b.0) < 1e-6 && abs(a.1 - b.1) < 1e-6 && abs(a.2 - b.2) < 1e-6
    }
    #expect(close(Colormap.viridis.color(0), (0.267004, 0.004874, 0.329415)))
    #expect(close(Colormap.viridis.color(1), (0.993248, 0.906157, 0.143936)))
    #expect(close(Colormap.viridis.color(0.5), (0.127568, 0.566949, 0.550556)))
    #expect(close(Colormap.jet.color(0.5), (0.490196078, 1, 0.477545857)))
    #expect(close(Colormap.rdbu.color(0), (0.403921569, 0, 0.121568627)))
    #expect(close(Colormap.gray.color(0.5), (0.501960784, 0.501960784, 0.501960784)))
  }

  @Test func cumulativeThresholdIsCaptums() {
    // 1...100: Σ 1...99 = 4950 ≥ 0.98 · 5050 = 4949 > Σ 1...98 = 4851, so the threshold is 99.
    #expect(MapDisplay.cumulativeThreshold((1...100).map(Float.init).shuffled(), percentile: 98) == 99)
    #expect(MapDisplay.cumulativeThreshold([1, 1, 1, 1, 96], percentile: 4) == 1)
    #expect(MapDisplay.cumulativeThreshold([3, 7, 5], percentile: 100) == 7)
  }

  @Test func absoluteSignClipsTheLargestMassAndScalesToOne() throws {
    // A reduced map 1...100 (10 × 10): t = 99, so 99 and 100 saturate and 50 shows as 50/99.
    let values = (1...100).map(Float.init)
    let shown = try MapDisplay().show(.reducedAttribution(values, height: 10, width: 10, reduction: .maxAbs, signed: false),
                                      picture: nil, size: [10, 10])
    #expect(Self.red(shown.map, 99) == 255 && Self.red(shown.map, 98) == 255)
    #expect(Self.red(shown.map, 49) == Self.gray(50.0 / 99))
    #expect(Self.red(shown.map, 97) == Self.gray(98.0 / 99))
    let keys = shown.conventions.map(\.key)
    #expect(["reduction", "sign", "clip", "normalisation", "colormap"].allSatisfy(keys.contains))
    #expect(shown.conventions.contains { $0.key == "colormap" && $0.value == "gray" })
    #expect(shown.conventions.contains { $0.key == "sign" && $0.value.hasPrefix("absolute") })
  }

  @Test func signAllIsDivergingAroundZeroAndSignedSumsDefaultToIt() throws {
    // [−4, −2, 0, 2, 4] as a Σ-reduced signed map: default sign all; t from |x| with clip 0 is 4.
    let values: [Float] = [-4, -2, 0, 2, 4]
    let display = MapDisplay(DisplaySettings(clip: 0))
    let shown = try display.show(.reducedAttribution(values, height: 1, width: 5, reduction: .sum, signed: true),
                                 picture: nil, size: [1, 5])
    func rgb(_ index: Int) -> [UInt8] { Array(shown.map.rgba[(index * 4)..<(index * 4 + 3)]) }
    func expected(_ unit: Float) -> [UInt8] {
      let (r, g, b) = Colormap.rdbu.color(unit)
      return [r, g, b].map { UInt8(($0 * 255).rounded()) }
    }
    #expect(rgb(0) == expected(0) && rgb(4) == expected(1))
    #expect(rgb(2) == expected(0.5))  // 0 sits at the centre entry
    #expect(rgb(1) == expected(0.25))
    #expect(shown.colorbar?.minLabel == "−t")
    // sign: positive keeps only x > 0 on gray: −4 and 0 both black.
    let positive = try MapDisplay(DisplaySettings(sign: .positive, clip: 0))
      .show(.reducedAttribution(values, height: 1, width: 5, reduction: .sum, signed: true), picture: nil, size: [1, 5])
    #expect(Self.red(positive.map, 0) == 0 && Self.red(positive.map, 2) == 0 && Self.red(positive.map, 4) == 255)
    #expect(Self.red(positive.map, 3) == Self.gray(0.5))
  }

  @Test func gradientImagesAreRGBPicturesByDefault() throws {
    // [3, 1, 2], every channel [−1, 1]: mean 0, std 1 → (g − 0)/(1 + 1e-5) · 0.1 + 0.5 = 0.4 / 0.6.
    let values: [Float] = [-1, 1, -1, 1, -1, 1]
    let source = MapDisplay.Source.attribution(values, channels: 3, height: 1, width: 2, reduction: .maxAbs, signed: true, gradientImage: true)
    let shown = try MapDisplay().show(source, picture: nil, size: [1, 2])
    #expect(Array(shown.map.rgba[0..<3]) == [102, 102, 102])
    #expect(Array(shown.map.rgba[4..<7]) == [153, 153, 153])
    #expect(shown.colorbar == nil)
    #expect(shown.alpha == 1)
    #expect(shown.conventions.first?.value.contains("(g − mean)/(std + 1e-5) · 0.1 + 0.5") == true)
    // display: heatmap gives the reduced map instead (max |·| = 1 everywhere → white).
    let heatmap = try MapDisplay(DisplaySettings(mode: .heatmap)).show(source, picture: nil, size: [1, 2])
    #expect(heatmap.map.rgba[0] == 255 && heatmap.colorbar != nil)
  }

  @Test func camMapsAreUpsampledThenMinMaxOrDividedByMaxAbs() throws {
    // [0, 2] on 1 × 2 upsampled to 1 × 4: half-pixel bilinear samples 0, 0.5, 1.5, 2.
    let shown = try MapDisplay().show(.layerMap([0, 2], height: 1, width: 2, signed: false), picture: nil, size: [1, 4])
    func viridis(_ unit: Float) -> UInt8 { UInt8((Colormap.viridis.color(unit).0 * 255).rounded()) }
    // Min-max (x − 0)/(2 + 1e-7): in Float 2 + 1e-7 rounds to 2, so the units are exactly 0, ¼, ¾, 1.
    #expect((0..<4).map { Self.red(shown.map, $0) } == [0, 0.25, 0.75, 1].map(viridis))
    let signed = try MapDisplay().show(.layerMap([-1, 4], height: 1, width: 2, signed: true), picture: nil, size: [1, 2])
    #expect(signed.conventions.contains { $0.key == "colormap" && $0.value == "RdBu" })
    let (r, _, _) = Colormap.rdbu.color((-0.25 + 1) / 2)
    #expect(Self.red(signed.map, 0) == UInt8((r * 255).rounded()))
  }

  @Test func overlayBlendsBytesAndSettingsThatDoNotApplyAreRefused() throws {
    let picture = try RasterImage(width: 2, height: 1, rgba: [200, 100, 0, 255, 0, 0, 0, 255])
    let shown = try MapDisplay(DisplaySettings(alpha: 0.25))
      .show(.layerMap([0, 1], height: 1, width: 2, signed: false), picture: picture, size: [1, 2])
    let overlay = try #require(shown.overlay)
    // viridis(0) = (68, 1, 84) as bytes: 0.75·200 + 0.25·68 = 167, 0.75·100 + 0.25·1 = 75.25, 0.25·84 = 21.
    #expect(Array(overlay.rgba[0..<3]) == [167, 75, 21])
    #expect(shown.conventions.last?.value == "(1 − α)·image + α·map, α = 0.25")
    #expect(throws: NotebookError.self) {
      try MapDisplay(DisplaySettings(mode: .rgb)).show(.layerMap([0, 1], height: 1, width: 2, signed: false), picture: nil, size: [1, 2])
    }
    #expect(throws: NotebookError.self) {
      try MapDisplay(DisplaySettings(sign: .all)).show(.layerMap([0, 1], height: 1, width: 2, signed: false), picture: nil, size: [1, 2])
    }
    var settings = DisplaySettings()
    #expect(throws: MethodError.self) { try settings.set("sign", to: .string("both")) }
    #expect(throws: MethodError.self) { try settings.set("clip", to: .int(80)) }
    try settings.set("colormap", to: .string("viridis"))
    #expect(settings.colormap == .viridis)
  }
}
