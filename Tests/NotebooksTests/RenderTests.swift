import Foundation
import Testing
@testable import Notebooks

/// Renders with the tiny 16x16 classifier, so these run in debug builds in seconds.
@Suite(.serialized) struct RenderTests {
  static let notebook = """
    ---
    \(TestWorkspace.tinyFrontMatter)
    ---
    # Tiny

    Prose with a [link](https://example.org/ref) the user wrote, a remote picture
    ![remote](https://example.org/x.png) and raw HTML <script src="https://example.org/x.js"></script>.

    ```convlens
    predict: {top: 2}
    ```

    ```convlens
    grad-cam: {image: red, target: [apple, cherry]}
    ```

    ```convlens
    occlusion: {image: blue, window: 4, stride: 4}
    ```
    """

  @Test func writesPDFHTMLAndManifest() throws {
    let workspace = try TestWorkspace()
    let url = try workspace.write("tiny.md", RenderTests.notebook)
    let result = try NotebookRenderer.render(workspace.request(url, figures: true))
    let names = Set(result.files.map(\.lastPathComponent))
    #expect(names.isSuperset(of: ["tiny.pdf", "tiny.html", "tiny.run.json"]))
    let pdf = try Data(contentsOf: workspace.outDirectory.appendingPathComponent("tiny.pdf"))
    #expect(pdf.starts(with: Data("%PDF".utf8)))
    // --figures: a PNG and an SVG per figure (2 grad-cam... one heatmap figure per image and step).
    let figureFiles = try FileManager.default.contentsOfDirectory(atPath: workspace.outDirectory.appendingPathComponent("tiny_files").path)
    #expect(figureFiles.filter { $0.hasSuffix(".png") }.count == 2)
    #expect(figureFiles.filter { $0.hasSuffix(".svg") }.count == 2)
    // The manifest: hashes, steps with locations, top-5 predictions per image.
    let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: workspace.outDirectory.appendingPathComponent("tiny.run.json"))) as? [String: Any]
    #expect(manifest?["toolVersion"] as? String == "test-1")
    let model = manifest?["model"] as? [String: Any]
    #expect((model?["sha256"] as? String)?.count == 64)
    let steps = manifest?["steps"] as? [[String: Any]] ?? []
    #expect(steps.map { $0["step"] as? String } == ["predict", "grad-cam", "occlusion"])
    #expect(steps[1]["location"] as? String == "tiny.md:\(lineNumber(of: "grad-cam:", in: RenderTests.notebook))")
    let predictions = manifest?["predictions"] as? [[String: Any]] ?? []
    #expect(predictions.map { $0["image"] as? String } == ["red", "blue"])
    // The tiny model has 3 classes, so "top-5" lists all 3, probabilities summing to 1.
    let top = predictions.first?["top"] as? [[String: Any]] ?? []
    #expect(top.count == 3)
    let total = top.compactMap { ($0["probability"] as? NSNumber)?.doubleValue }.reduce(0, +)
    #expect(abs(total - 1) < 1e-4)
  }

  @Test func secondRunHitsTheCacheAndASettingsChangeMisses() throws {
    let workspace = try TestWorkspace()
    let url = try workspace.write("cache.md", RenderTests.notebook)
    let first = try NotebookRenderer.render(workspace.request(url, formats: [.html]))
    #expect(first.cacheHits == 0)
    #expect(FileManager.default.fileExists(atPath: workspace.directory.appendingPathComponent(".convlens-cache/.gitignore").path))
    // A prose edit: every step from the cache.
    try workspace.write("cache.md", RenderTests.notebook.replacingOccurrences(of: "# Tiny", with: "# Tiny, edited"))
    let second = try NotebookRenderer.render(workspace.request(url, formats: [.html]))
    #expect(second.cacheHits == 3)
    // A settings change: only that step recomputes.
    try workspace.write("cache.md", RenderTests.notebook.replacingOccurrences(of: "stride: 4", with: "stride: 2"))
    let third = try NotebookRenderer.render(workspace.request(url, formats: [.html]))
    #expect(third.cacheHits == 2)
    // --no-cache recomputes everything.
    let fourth = try NotebookRenderer.render(workspace.request(url, useCache: false, formats: [.html]))
    #expect(fourth.cacheHits == 0)
  }

  @Test("cache keys hold the executable's hash: a rebuilt ConvLens never serves an older build's results")
  func cacheKeysNameTheBuild() throws {
    #expect(ContentHash.executable.count == 16 && ContentHash.executable.allSatisfy(\.isHexDigit), "\(ContentHash.executable)")
    func key(_ version: String) throws -> String {
      try CacheKeyMaterial(toolVersion: version, modelSHA256: "m", labelsSHA256: nil, preprocess: "p", step: "saliency",
                           settings: [:], imageSHA256: ["i"], targets: [], seed: 0, dataset: nil).key()
    }
    let material = CacheKeyMaterial(toolVersion: "0.1.0", modelSHA256: "m", labelsSHA256: nil, preprocess: "p", step: "s",
                                    settings: [:], imageSHA256: [], targets: [], seed: 0, dataset: nil)
    #expect(material.toolVersion.contains("build \(ContentHash.executable)"))
    #expect(try key("0.1.0") == key("0.1.0") && key("0.1.0") != key("0.1.1"))
  }

  @Test func cachedOutputEqualsFreshOutput() throws {
    let workspace = try TestWorkspace()
    let url = try workspace.write("same.md", RenderTests.notebook)
    let notebook = try NotebookParser.load(url)
    let fresh = try NotebookRunner(notebook: notebook, options: RunOptions(useCache: true, toolVersion: "t")).run()
    let cached = try NotebookRunner(notebook: notebook, options: RunOptions(useCache: true, toolVersion: "t")).run()
    #expect(cached.records.allSatisfy { $0.cacheHit })
    #expect(fresh.records.map(\.output) == cached.records.map(\.output))
  }

  @Test func twoRendersGiveIdenticalBytes() throws {
    let workspace = try TestWorkspace()
    let url = try workspace.write("det.md", RenderTests.notebook)
    _ = try NotebookRenderer.render(workspace.request(url, useCache: false, formats: [.pdf, .html]))
    let pdf1 = try Data(contentsOf: workspace.outDirectory.appendingPathComponent("det.pdf"))
    let html1 = try Data(contentsOf: workspace.outDirectory.appendingPathComponent("det.html"))
    _ = try NotebookRenderer.render(workspace.request(url, useCache: true, formats: [.pdf, .html]))
    let pdf2 = try Data(contentsOf: workspace.outDirectory.appendingPathComponent("det.pdf"))
    let html2 = try Data(contentsOf: workspace.outDirectory.appendingPathComponent("det.html"))
    #expect(pdf1 == pdf2)
    #expect(html1 == html2)
  }

  @Test func failingStepNamesItsLineAndLeavesThePreviousReport() throws {
    let workspace = try TestWorkspace()
    let url = try workspace.write("atomic.md", RenderTests.notebook)
    _ = try NotebookRenderer.render(workspace.request(url))
    let names = ["atomic.pdf", "atomic.html", "atomic.run.json"]
    let before = try names.map { try Data(contentsOf: workspace.outDirectory.appendingPathComponent($0)) }
    // A layer that does not exist only fails when the step runs (mid-run, after other steps).
    let broken = RenderTests.notebook + "\n\nMore prose.\n\n```convlens\ngrad-cam: {layer: no-such-layer}\n```\n"
    try workspace.write("atomic.md", broken)
    let error = notebookError { _ = try NotebookRenderer.render(workspace.request(url)) }
    #expect(error?.message.contains("step 'grad-cam' failed") == true)
    #expect(error?.message.contains("no-such-layer") == true)
    #expect(error?.location?.line == lineNumber(of: "grad-cam: {layer", in: broken))
    #expect(error?.description.hasPrefix("atomic.md:\(lineNumber(of: "grad-cam: {layer", in: broken)):") == true)
    let after = try names.map { try Data(contentsOf: workspace.outDirectory.appendingPathComponent($0)) }
    #expect(before == after)
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: workspace.outDirectory.path).filter { $0.contains(".tmp") }
    #expect(leftovers.isEmpty)
  }

  @Test func missingImageIsReportedWhereItIsNamed() throws {
    let workspace = try TestWorkspace()
    let url = try workspace.write("missing.md", RenderTests.notebook.replacingOccurrences(of: "blue: blue.png", with: "blue: nowhere.png"))
    let error = notebookError { _ = try NotebookRenderer.render(workspace.request(url)) }
    #expect(error?.message.contains("image 'blue' not found") == true)
    #expect(error?.location?.line == lineNumber(of: "  blue: nowhere.png", in: RenderTests.notebook.replacingOccurrences(of: "blue: blue.png", with: "blue: nowhere.png")))
    #expect(!FileManager.default.fileExists(atPath: workspace.outDirectory.appendingPathComponent("missing.pdf").path))
  }

  @Test func htmlLoadsNothingFromTheNetwork() throws {
    let workspace = try TestWorkspace()
    let url = try workspace.write("net.md", RenderTests.notebook)
    _ = try NotebookRenderer.render(workspace.request(url, formats: [.html]))
    let html = try String(contentsOf: workspace.outDirectory.appendingPathComponent("net.html"), encoding: .utf8)
    // Every src/href on img, script, link, iframe, object, plus object's data: none is http(s).
    let tagPattern = try NSRegularExpression(pattern: "<(img|script|link|iframe|object|source|embed)\\b[^>]*>", options: [.caseInsensitive])
    let attributePattern = try NSRegularExpression(pattern: "\\b(src|href|data)\\s*=\\s*[\"']?\\s*(https?:|//)", options: [.caseInsensitive])
    let range = NSRange(html.startIndex..., in: html)
    var tags = 0
    for match in tagPattern.matches(in: html, range: range) {
      tags += 1
      let tag = (html as NSString).substring(with: match.range)
      #expect(attributePattern.firstMatch(in: tag, range: NSRange(tag.startIndex..., in: tag)) == nil, "remote resource in \(tag)")
    }
    #expect(tags > 0)
    // The notes' script is not in the page; the user's link stays a link.
    let scriptInATag = try NSRegularExpression(pattern: "<[^<>]*example\\.org/x\\.js")
    #expect(scriptInATag.firstMatch(in: html, range: range) == nil, "the notes' script tag is shown as text, never markup")
    #expect(html.contains("href=\"https://example.org/ref\""))
  }

  /// A folder dataset: an unreadable file is skipped with a warning the manifest keeps (also on a
  /// cached re-render), and replacing an image's bytes invalidates the cached step.
  @Test func datasetWarningsReachTheManifestAndDatasetContentsKeyTheCache() throws {
    let workspace = try TestWorkspace()
    let dataset = workspace.directory.appendingPathComponent("shapes")
    for (folder, picture) in [("reds", "red.png"), ("blues", "blue.png")] {
      let classFolder = dataset.appendingPathComponent(folder)
      try FileManager.default.createDirectory(at: classFolder, withIntermediateDirectories: true)
      for copy in 0..<2 {
        try FileManager.default.copyItem(at: workspace.directory.appendingPathComponent(picture),
                                         to: classFolder.appendingPathComponent("\(copy).png"))
      }
    }
    try Data("not a png".utf8).write(to: dataset.appendingPathComponent("reds/broken.png"))
    let notebook = """
      ---
      \(TestWorkspace.tinyFrontMatter)
      datasets:
        shapes: {type: folder, path: shapes}
      ---
      ```convlens
      neighbours: {image: red, dataset: shapes, k: 2}
      ```
      """
    let url = try workspace.write("data.md", notebook)
    func manifestWarnings() throws -> [String] {
      let data = try Data(contentsOf: workspace.outDirectory.appendingPathComponent("data.run.json"))
      let steps = (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["steps"] as? [[String: Any]] ?? []
      return steps.first?["warnings"] as? [String] ?? []
    }
    let first = try NotebookRenderer.render(workspace.request(url, formats: [.html]))
    #expect(first.cacheHits == 0)
    #expect(try manifestWarnings().contains { $0.contains("broken.png") })
    let second = try NotebookRenderer.render(workspace.request(url, formats: [.html]))
    #expect(second.cacheHits == 1)
    #expect(try manifestWarnings().contains { $0.contains("broken.png") })
    // Same file names, different bytes: the features must be recomputed.
    try FileManager.default.removeItem(at: dataset.appendingPathComponent("blues/1.png"))
    try FileManager.default.copyItem(at: workspace.directory.appendingPathComponent("red.png"), to: dataset.appendingPathComponent("blues/1.png"))
    let third = try NotebookRenderer.render(workspace.request(url, formats: [.html]))
    #expect(third.cacheHits == 0)
  }
}
