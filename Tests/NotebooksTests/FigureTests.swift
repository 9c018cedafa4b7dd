import Document
import Engine
import Foundation
import Imaging
import Testing
@testable import Methods
@testable import Notebooks

@Suite struct FigureTests {
  /// A 2x2 picture with known pixels, as the model saw it.
  static func prepared(_ name: String) -> PreparedImage {
    let pixels: [UInt8] = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]
    return PreparedImage(name: name, path: "/x/\(name).png", sha256: "", tensor: .init(shape: [1, 3, 2, 2], values: [Float](repeating: 0, count: 12)),
                         display: RGBImage(width: 2, height: 2, pixels: pixels))
  }

  static func layerOutput(signed: Bool, targets: Int) -> MethodOutput {
    let items = (0..<targets).map { index in
      LayerMaps.Item(imageIndex: 0, target: ClassInfo(index: index, label: "class\(index)", probability: 0.25, logit: 1),
                     map: Tensor(shape: [1, 2], values: [signed ? -1 : 0, 3]))
    }
    return MethodOutput(.layerMaps(LayerMaps(layer: "r2", layerShape: [6, 1, 2], inputSize: [2, 2], signed: signed, items: items)),
                        conventions: [Convention("method", "grad-cam"), Convention("layer", "r2 [6, 1, 2]"), Convention("class", "class0 (0)")])
  }

  func build(_ output: MethodOutput, step: Step) throws -> [Block] {
    let record = StepRecord(step: step, output: .method(output), imageNames: ["pic"], seconds: 0, cacheHit: false)
    return try FigureBuilder(images: ["pic": FigureTests.prepared("pic")], stepNumber: 3).blocks(for: record)
  }

  @Test func layerMapIsUpsampledNormalisedAndOverlaidOnTheModelInput() throws {
    let step = Step(name: "grad-cam", location: SourceLocation(file: "n.md", line: 1, column: 1))
    let blocks = try build(FigureTests.layerOutput(signed: false, targets: 1), step: step)
    guard case .figure(let figure) = blocks.first else { Issue.record("expected a figure, got \(blocks)"); return }
    #expect(figure.panels.count == 2)
    // Panel 1: the exact model input; panel 2: the same picture with the map over it at α 0.5,
    // composited for paged output as (1 − α)·picture + α·map per byte.
    #expect(figure.panels[0].image.rgba == [10, 20, 30, 255, 40, 50, 60, 255, 70, 80, 90, 255, 100, 110, 120, 255])
    #expect(figure.panels[1].image == figure.panels[0].image)
    #expect(figure.panels[1].alpha == 0.5)
    let blended = try #require(figure.panels[1].blended)
    // Red (10 + 68)/2 = 39 and blue (30 + 84)/2 = 57 with viridis(0) = (68, 1, 84); green is a tie (10.5).
    #expect([blended.rgba[0], blended.rgba[2], blended.rgba[3]] == [39, 57, 255])
    // Map [0, 3] on a 1x2 grid -> 2x2 with half-pixel bilinear: columns are src x = (x + 0.5)·1 − 0.5
    // = 0 and 1 exactly, so the rows repeat [0, 3]; min-max gives [0, 1] -> viridis ends.
    let overlay = try #require(figure.panels[1].overlay)
    let low = Array(overlay.rgba[0..<3]), high = Array(overlay.rgba[4..<7])
    #expect(low == [68, 1, 84])  // viridis(0) = (0.267004, 0.004874, 0.329415)
    #expect(high == [253, 231, 37])  // viridis(1) = (0.993248, 0.906157, 0.143936)
    #expect(Array(overlay.rgba[8..<11]) == low)
    #expect(figure.colorbar?.colormapStops.first == RGB(68, 1, 84))
    for needed in ["grad-cam", "layer: r2", "class0 (index 0, p = 0.2500)", "normalisation: per-image min-max after upsampling",
                   "upsampling: bilinear, half-pixel centres (align_corners = false), 1×2 → 2×2", "colormap: viridis", "α = 0.5"] {
      #expect(figure.caption.contains(needed), "caption lacks '\(needed)': \(figure.caption)")
    }
    #expect(figure.id == "s3-grad-cam-pic")
    #expect(figure.kind == .heatmap)
    #expect(figure.variants.isEmpty)
  }

  @Test func severalClassesBecomeSwitcherVariants() throws {
    let step = Step(name: "grad-cam", display: DisplaySettings(alpha: 0.3), location: SourceLocation(file: "n.md", line: 1, column: 1))
    let blocks = try build(FigureTests.layerOutput(signed: false, targets: 2), step: step)
    guard case .figure(let figure) = blocks.first else { Issue.record("expected a figure"); return }
    #expect(figure.variants.count == 2)
    #expect(figure.variants.map(\.label) == ["class0 (0) p=0.250", "class1 (1) p=0.250"])
    #expect(figure.panels.count == 3)  // input + one overlay per class in the paged output
    #expect(figure.panels[1].alpha == 0.3)
  }

  @Test func signedMapsUseRdBuCentredOnZero() throws {
    let step = Step(name: "grad-cam", location: SourceLocation(file: "n.md", line: 1, column: 1))
    let blocks = try build(FigureTests.layerOutput(signed: true, targets: 1), step: step)
    guard case .figure(let figure) = blocks.first else { Issue.record("expected a figure"); return }
    #expect(figure.caption.contains("colormap: RdBu"))
    #expect(figure.caption.contains("x / max|x| to [−1, 1]"))
    // Values −1 and 3: x / max|x| puts −1 at −1/3, i.e. (−1/3 + 1)/2 = 1/3 on the colormap: RdBu's
    // lookup entry ⌊256/3⌋ = 85, not the end colour min-max would give; 3 maps to the last entry.
    let overlay = try #require(figure.panels[1].overlay)
    #expect(Array(overlay.rgba[0..<3]) == FigureTests.bytes(Colormap.rdbu.color(85.0 / 256)))
    #expect(Array(overlay.rgba[4..<7]) == FigureTests.bytes(Colormap.rdbu.color(1)))
    #expect(figure.colorbar?.minLabel.contains("max") == true)
  }

  static func bytes(_ color: (Float, Float, Float)) -> [UInt8] {
    [color.0, color.1, color.2].map { UInt8(($0 * 255).rounded()) }
  }

  @Test func predictionsBecomeATable() throws {
    let output = MethodOutput(.predictions(Predictions(items: [Predictions.Item(imageIndex: 0, top: [
      ClassInfo(index: 2, label: "cherry", probability: 0.75, logit: 2), ClassInfo(index: 0, label: "apple", probability: 0.2, logit: 1),
    ])])), conventions: [Convention("method", "predict")])
    let blocks = try build(output, step: Step(name: "predict", location: SourceLocation(file: "n.md", line: 1, column: 1)))
    guard case .table(let table) = blocks.first else { Issue.record("expected a table"); return }
    #expect(table.rows == [["pic", "1", "cherry", "2", "0.7500"], ["", "2", "apple", "0", "0.2000"]])
  }

  @Test func cachedOutputsDecodeExactly() throws {
    let values: [Float] = [0, -1.5, .pi, 1e-30, -.greatestFiniteMagnitude, .leastNonzeroMagnitude]
    let tensor = Tensor(shape: [2, 3], values: values)
    #expect(try JSONDecoder().decode(Tensor.self, from: JSONEncoder().encode(tensor)) == tensor)
    var output = FigureTests.layerOutput(signed: true, targets: 2)
    output.warnings = ["skipped one image"]
    #expect(try JSONDecoder().decode(MethodOutput.self, from: JSONEncoder().encode(output)) == output)
    let bad = Data(#"{"shape": [2, 2], "values": "AAAAAA=="}"#.utf8)
    #expect(throws: DecodingError.self) { try JSONDecoder().decode(Tensor.self, from: bad) }
  }
}
