import Document
import Foundation
import Rendering
import Testing
@testable import Notebooks

/// The real review on the bundled EfficientNet-Lite0: minutes in debug, so release only:
/// `swift test -c release -Xswiftc -enable-testing --filter NotebooksTests`.
let isReleaseBuild: Bool = {
  #if DEBUG
    return false
  #else
    return true
  #endif
}()

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let reviewNeeds = isReleaseBuild && FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist")
  && FileManager.default.fileExists(atPath: repositoryRoot.appendingPathComponent("Models/efficientnet-lite0.onnx").path)

@Suite(.serialized) struct DefaultReviewTests {
  /// The review copied to a temporary folder (images by absolute path), so its cache starts empty.
  func copyOfReview(in workspace: TestWorkspace, name: String = "review.md") throws -> URL {
    let text = try String(contentsOf: repositoryRoot.appendingPathComponent("Reports/cnn-visualization-review.md"), encoding: .utf8)
    let images = repositoryRoot.appendingPathComponent("Reports/images").path
    return try workspace.write(name, text.replacingOccurrences(of: ": images/", with: ": \(images)/"))
  }

  /// A run manifest with its timings and cache hits removed, as canonical JSON.
  static func withoutTimings(_ data: Data) throws -> Data {
    func strip(_ value: Any) -> Any {
      if let object = value as? [String: Any] {
        return object.filter { $0.key != "seconds" && $0.key != "cacheHit" }.mapValues(strip)
      }
      if let array = value as? [Any] { return array.map(strip) }
      return value
    }
    return try JSONSerialization.data(withJSONObject: strip(try JSONSerialization.jsonObject(with: data)), options: [.sortedKeys])
  }

  @Test(.enabled(if: reviewNeeds)) func reviewRendersAtLeastEightPagesAndAProseEditReusesEveryStep() throws {
    let workspace = try TestWorkspace()
    let url = try copyOfReview(in: workspace)
    let first = try NotebookRenderer.render(workspace.request(url))
    #expect(first.cacheHits == 0)
    let pdf = try Data(contentsOf: workspace.outDirectory.appendingPathComponent("review.pdf"))
    let text = String(decoding: pdf, as: UTF8.self)
    let pages = try NSRegularExpression(pattern: "/Type\\s*/Page(?!s)").numberOfMatches(in: text, range: NSRange(text.startIndex..., in: text))
    #expect(pages >= 8, "the review has \(pages) pages")
    #expect(text.contains("/FontFile"), "the review's PDF embeds its fonts")
    try Self.checkPagesAreFull(first.document)
    try Self.checkSections(workspace.outDirectory.appendingPathComponent("review.run.json"), document: first.document)
    // Rendering the same notebook again gives byte-identical PDF and HTML; the manifest differs only
    // in timings and cache hits.
    let html = try Data(contentsOf: workspace.outDirectory.appendingPathComponent("review.html"))
    let manifest = try Data(contentsOf: workspace.outDirectory.appendingPathComponent("review.run.json"))
    let again = try NotebookRenderer.render(workspace.request(url))
    #expect(again.cacheHits == again.stepCount)
    #expect(try Data(contentsOf: workspace.outDirectory.appendingPathComponent("review.pdf")) == pdf)
    #expect(try Data(contentsOf: workspace.outDirectory.appendingPathComponent("review.html")) == html)
    let manifestAgain = try Data(contentsOf: workspace.outDirectory.appendingPathComponent("review.run.json"))
    #expect(try Self.withoutTimings(manifestAgain) == Self.withoutTimings(manifest))
    // One prose line changed: every step from the cache.
    let edited = try String(contentsOf: url, encoding: .utf8).replacingOccurrences(of: "이번 주 강의의 주제는", with: "지난주 강의의 주제는")
    try workspace.write("review.md", edited)
    let second = try NotebookRenderer.render(workspace.request(url))
    #expect(second.cacheHits == second.stepCount)
    // The speed-up is reported, not asserted (timings belong to benchmarks): README quotes this line.
    print("default review: first render \(String(format: "%.1f", first.seconds)) s, cached re-render after a prose edit "
          + "\(String(format: "%.1f", second.seconds)) s (\(String(format: "%.1f", first.seconds / second.seconds))× faster), \(pages) pages")
  }

  /// Two renders from empty caches, in two folders, give the same bytes: nothing in a figure or caption may
  /// depend on timing or on the folder (the cached re-render above reads stored outputs, so it cannot show this).
  @Test(.enabled(if: reviewNeeds)) func freshRendersAreByteIdentical() throws {
    let notebook = """
      ---
      title: Determinism
      date: 2026-12-01
      images:
        cat: \(repositoryRoot.appendingPathComponent("Reports/images/chelsea.png").path)
      ---

      # Steps

      ```convlens
      class-visualization: {target: espresso, preset: cs231n, steps: 10}
      ```

      ```convlens
      compare: {image: cat, methods: [grad-cam, saliency]}
      ```
      """
    var outputs: [[Data]] = []
    for _ in 0..<2 {
      let workspace = try TestWorkspace()
      let url = try workspace.write("fresh.md", notebook)
      let result = try NotebookRenderer.render(workspace.request(url))
      #expect(result.cacheHits == 0)
      outputs.append(try ["fresh.pdf", "fresh.html"].map { try Data(contentsOf: workspace.outDirectory.appendingPathComponent($0)) })
    }
    #expect(outputs[0][0] == outputs[1][0], "two fresh renders give different PDFs")
    #expect(outputs[0][1] == outputs[1][1], "two fresh renders give different HTML")
  }

  /// The paginator's page plan: no page more than a third empty, except the title/contents page, a
  /// page before a level-1 heading and the last page. Prints every page's empty share.
  static func checkPagesAreFull(_ document: ReportDocument) throws {
    let dump = try PagedRenderer().pagePlanDump(document)
    var pages: [[(kind: String, bottom: Double, fields: String)]] = []
    for line in dump.split(separator: "\n") {
      if line.hasPrefix("page ") { pages.append([]); continue }
      let fields = line.split(separator: " ")
      func number(_ key: String) -> Double? { fields.first { $0.hasPrefix(key + "=") }.flatMap { Double($0.dropFirst(key.count + 1)) } }
      guard let y = number("y"), let height = number("h"), !pages.isEmpty else { continue }
      pages[pages.count - 1].append((String(fields.first ?? ""), y + height, String(line)))
    }
    let (top, bottom) = (76.0, 841.89 - 70.0)  // PageStyle: A4, margins 76 pt above and 70 pt below
    var report: [String] = []
    for (index, items) in pages.enumerated() {
      let empty = (bottom - (items.map(\.bottom).max() ?? top)) / (bottom - top)
      let next = index + 1 < pages.count ? pages[index + 1].first : nil
      let beforeChapter = next.map { $0.kind == "heading" && $0.fields.contains("level=1") } ?? false
      let exempt = index == 0 || items.contains { $0.kind == "toc-entry" } || beforeChapter || index == pages.count - 1
      report.append("\(index + 1): \(String(format: "%.0f", empty * 100)) %\(exempt ? " (exempt)" : "")")
      #expect(exempt || empty <= 1.0 / 3, "page \(index + 1) is \(String(format: "%.0f", empty * 100)) % empty")
    }
    print("default review, empty share of each page: " + report.joined(separator: ", "))
  }

  /// The sections the review must have: nearest neighbours, and the Grad-CAM variants as one
  /// comparison of four methods × two classes.
  static func checkSections(_ manifestURL: URL, document: ReportDocument) throws {
    let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: manifestURL)) as? [String: Any]
    let steps = manifest?["steps"] as? [[String: Any]] ?? []
    #expect(steps.contains { $0["step"] as? String == "neighbours" })
    let variants = steps.first { step in
      ((step["columns"] as? [[String: Any]]) ?? []).compactMap { $0["method"] as? String }
        == ["grad-cam", "grad-cam-plus-plus", "score-cam", "layer-cam"]
    }
    #expect((variants?["targets"] as? [String])?.count == 2)
    let grids = document.blocks.compactMap { if case .grid(let grid) = $0 { return grid } else { return nil } }
    let cams = try #require(grids.first { $0.label == "fig-cam-variants" })
    #expect(cams.columns == 5 && cams.tiles.count == 10)
  }

  /// Every other notebook in Reports/ renders as shipped (relative image paths, bundled model).
  @Test(.enabled(if: reviewNeeds)) func everyOtherReportNotebookRenders() throws {
    let reports = repositoryRoot.appendingPathComponent("Reports")
    let names = try FileManager.default.contentsOfDirectory(atPath: reports.path).sorted()
      .filter { ($0.hasSuffix(".md") || $0.hasSuffix(".yaml")) && $0 != "cnn-visualization-review.md" && $0 != "README.md" }
    #expect(!names.isEmpty)
    for name in names {
      let workspace = try TestWorkspace()
      try FileManager.default.copyItem(at: reports.appendingPathComponent("images"), to: workspace.directory.appendingPathComponent("images"))
      let url = try workspace.write(name, try String(contentsOf: reports.appendingPathComponent(name), encoding: .utf8))
      let result = try NotebookRenderer.render(workspace.request(url))
      #expect(result.stepCount > 0, "\(name) has no steps")
      let stem = (name as NSString).deletingPathExtension
      for suffix in [".pdf", ".html", ".run.json"] {
        let output = workspace.outDirectory.appendingPathComponent(stem + suffix)
        let size = (try? FileManager.default.attributesOfItem(atPath: output.path)[.size] as? Int) ?? 0
        #expect(size > 1000, "\(name): \(stem + suffix) missing or tiny")
      }
    }
  }
}
