import Document
import Foundation
import Notebooks
import Rendering
import Testing

/// `convlens explain` on the bundled model, as a user runs it: the PNG it writes, its `--json`
/// record, and the same pixels as the notebook figure of the same map and display settings.
@Suite(.serialized) struct ExplainTests {
  static let chelsea = CLI.root.appendingPathComponent("Reports/images/chelsea.png").path

  /// One `--json` record of `convlens explain ARGUMENTS --image chelsea --out FOLDER/out.png`.
  static func explain(_ arguments: [String], in folder: URL) throws -> (record: [String: Any], png: Data) {
    let png = folder.appendingPathComponent("out.png").path
    let result = try CLI.run(["explain"] + arguments + ["--image", chelsea, "--out", png, "--json"])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let records = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
    #expect(records.count == 1)
    return (try #require(records.first), try Data(contentsOf: URL(fileURLWithPath: png)))
  }

  static func conventions(_ record: [String: Any]) -> [String: String] {
    let list = record["conventions"] as? [[String: String]] ?? []
    return Dictionary(list.compactMap { entry in entry["key"].flatMap { key in entry["value"].map { (key, $0) } } }, uniquingKeysWith: { a, _ in a })
  }

  @Test func gradCAMWritesTheOverlayAndARecordOfEveryConvention() throws {
    let folder = try CLI.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let (record, png) = try Self.explain(["grad-cam"], in: folder)
    #expect(record["method"] as? String == "grad-cam")
    #expect(record["input"] as? String == Self.chelsea)
    #expect(record["overlay"] as? String == folder.appendingPathComponent("out.png").path)
    let target = record["target"] as? [String: Any]
    #expect([281, 282, 285].contains(target?["index"] as? Int ?? -1))
    let conventions = Self.conventions(record)
    #expect(conventions["layer"]?.hasPrefix("/head_act/Clip_output_0") == true)
    #expect(conventions["upsampling"] == "bilinear, half-pixel centres (align_corners = false), 7×7 → 224×224")
    #expect(conventions["normalisation"]?.hasPrefix("per-image min-max") == true)
    #expect(conventions["colormap"] == "viridis")
    #expect(conventions["overlay"] == "(1 − α)·image + α·map, α = 0.5")
    // The PNG: the model's 224 × 224 input with the map over it, opaque.
    let image = try PagedRenderer.decodePNG(png)
    #expect(image.width == 224 && image.height == 224)
    #expect(stride(from: 3, to: image.rgba.count, by: 4).allSatisfy { image.rgba[$0] == 255 })
    // Without --json: one line naming the class and the file.
    let plain = try CLI.run(["explain", "saliency", "--image", Self.chelsea, "--out", folder.appendingPathComponent("s.png").path])
    #expect(plain.status == 0, "stderr: \(plain.stderr)")
    #expect(plain.stdout.contains("saliency for ") && plain.stdout.contains("s.png"))
  }

  @Test func pixelAttributionsNameTheirReductionSignAndClip() throws {
    let folder = try CLI.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let conventions = Self.conventions(try Self.explain(["integrated-gradients", "--set", "steps=8", "--sign", "positive", "--clip", "1"],
                                                        in: folder).record)
    #expect(conventions["reduction"] == "Σ over the 3 channels")
    #expect(conventions["sign"]?.hasPrefix("positive") == true)
    #expect(conventions["clip"]?.hasPrefix("1 % (captum's outlier_perc)") == true)
    #expect(conventions["colormap"] == "gray")
    let rgb = Self.conventions(try Self.explain(["guided-backprop"], in: folder).record)
    #expect(rgb["display"]?.contains("(g − mean)/(std + 1e-5) · 0.1 + 0.5") == true)
    #expect(rgb["overlay"] == "none (α = 1: the map alone)")
  }

  /// What the default review and README say of deconvnet on the bundled model: with no max-pooling
  /// switches and a rule that ignores the forward pass, its map does not depend on the input at all.
  @Test func deconvnetOnTheBundledModelIsTheSameForEveryInput() throws {
    let folder = try CLI.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    var maps: [Data] = []
    for image in ["chelsea.png", "coffee.png"] {
      let raw = folder.appendingPathComponent("\(image).npy").path
      let result = try CLI.run(["explain", "deconvnet", "--image", CLI.root.appendingPathComponent("Reports/images/\(image)").path,
                                "--target", "282", "--out", folder.appendingPathComponent("\(image).png").path, "--raw", raw])
      #expect(result.status == 0, "stderr: \(result.stderr)")
      maps.append(try Data(contentsOf: URL(fileURLWithPath: raw)))
    }
    #expect(maps[0].count > 3 * 224 * 224 * 4)
    #expect(maps[0] == maps[1])
  }

  /// Each map kind: explain's PNG equals the notebook figure's overlay raster encoded the same way.
  static let kinds: [(name: String, step: String, arguments: [String])] = [
    ("CAM", "grad-cam: {image: cat}", ["grad-cam"]),
    ("signed CAM", "grad-cam: {image: cat, relu: false}", ["grad-cam", "--set", "relu=false"]),
    ("pixel attribution", "saliency: {image: cat, clip: 1, alpha: 0.4}", ["saliency", "--clip", "1", "--alpha", "0.4"]),
    ("RGB gradient", "guided-backprop: {image: cat}", ["guided-backprop"]),
  ]

  @Test(.enabled(if: isRelease)) func explainAndTheNotebookGiveTheSamePixels() throws {
    let folder = try CLI.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let steps = Self.kinds.map { "```convlens\n\($0.step)\n```\n" }.joined(separator: "\n")
    let notebook = folder.appendingPathComponent("same.md")
    try Data("---\ntitle: Same pixels\nimages:\n  cat: \(Self.chelsea)\n---\n\(steps)".utf8).write(to: notebook)
    let result = try NotebookRenderer.render(RenderRequest(notebook: notebook, outDirectory: folder.appendingPathComponent("out"),
                                                           formats: [.html], run: RunOptions(useCache: false, toolVersion: "test")))
    let figures = result.document.blocks.compactMap { block -> Figure? in if case .figure(let figure) = block { return figure } else { return nil } }
    #expect(figures.count == Self.kinds.count)
    for (kind, figure) in zip(Self.kinds, figures) {
      let overlay = try #require(figure.panels.last?.blended, "\(kind.name): the figure has no overlay raster")
      let (record, png) = try Self.explain(kind.arguments, in: folder)
      #expect(png == (try PagedRenderer.encodePNG(overlay)), "\(kind.name): explain's PNG differs from the notebook figure")
      // And the caption states the same display conventions as the --json record.
      for (key, value) in Self.conventions(record) where ["normalisation", "sign", "clip", "colormap", "overlay", "display"].contains(key) {
        #expect(figure.caption.contains("\(key): \(value)"), "\(kind.name): caption lacks \(key): \(value)")
      }
    }
  }
}

let isRelease: Bool = {
  #if DEBUG
    return false
  #else
    return true
  #endif
}()
