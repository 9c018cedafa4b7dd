import Foundation
import Testing

/// What the rendered files themselves promise, checked on real `convlens render` output: the HTML
/// page can reach no network and run no script but its own, the notes' raw HTML never becomes
/// markup, and the run manifest names files relative to the notebook, never by absolute path.
@Suite struct ReportSafetyTests {
  static let hostileProse = """

    Notes with raw HTML: <script>alert("notes")</script> <img src="https://evil.example/x.png" onerror="alert(1)">
    <iframe src="https://evil.example/frame"></iframe>

    <div style="background: url(https://evil.example/bg.png)">block</div>
    """

  func rendered(_ extra: [String] = [], notebook: String = Scratch.goodNotebook + hostileProse) throws -> (Scratch, String) {
    let scratch = try Scratch()
    try scratch.write("report.md", notebook)
    let result = try CLI.run(Scratch.renderArguments(extra), in: scratch.folder)
    try #require(result.status == 0, "\(result.stderr)")
    return (scratch, try String(contentsOf: scratch.url("out/report.html"), encoding: .utf8))
  }

  @Test func contentSecurityPolicyAllowsNoNetworkAndOnlyTheReportScript() throws {
    let (scratch, html) = try rendered(["--html"])
    defer { scratch.remove() }
    let policy = try #require(html.firstMatch(of: /http-equiv="Content-Security-Policy" content="([^"]*)"/)?.1)
    var directives: [String: [String]] = [:]
    for part in policy.split(separator: ";") {
      let words = part.split(separator: " ").map(String.init)
      if let name = words.first { directives[name] = Array(words.dropFirst()) }
    }
    #expect(directives["default-src"] == ["'none'"], "every fetch not listed is refused")
    #expect(directives["img-src"] == ["data:"])
    #expect(directives["base-uri"] == ["'none'"])
    #expect(directives["form-action"] == ["'none'"])
    for (name, sources) in directives where name != "script-src" {
      #expect(sources.allSatisfy { ["'none'", "data:", "'unsafe-inline'"].contains($0) }, "\(name) \(sources)")
    }
    // Only fetch directives that stay 'none' through default-src: no connect/font/frame/media source.
    #expect(Set(directives.keys).isSubset(of: ["default-src", "img-src", "style-src", "script-src", "base-uri", "form-action"]))
    // One script, inline, allowed by the hash of its exact text and nothing else.
    let scripts = html.matches(of: /<script\b([^>]*)>/)
    #expect(scripts.count == 1)
    #expect(scripts.first.map { $0.1.isEmpty } == true, "the script has no src or other attributes")
    let script = try #require(html.firstMatch(of: /<script>(?s)(.*?)<\/script>/)?.1)
    #expect(directives["script-src"] == ["'sha256-\(try sha256Base64(String(script)))'"])
  }

  @Test func rawHTMLInTheNotesNeverBecomesMarkup() throws {
    let (scratch, html) = try rendered(["--html"])
    defer { scratch.remove() }
    #expect(html.contains("Notes with raw HTML"), "the prose itself is kept")
    // Raw HTML is shown as escaped text: visible to the reader, never markup.
    #expect(!html.contains("<script>alert"), "the notes' script is not markup")
    #expect(html.contains("&lt;script&gt;alert"), "the notes' script is shown as text")
    #expect(!html.contains("<iframe"))
    let insideATag = try NSRegularExpression(pattern: "<[^<>]*(onerror|evil\\.example)", options: [.caseInsensitive])
    #expect(insideATag.firstMatch(in: html, range: NSRange(html.startIndex..., in: html)) == nil,
            "no attribute or URL from the notes' raw HTML is inside a tag")
    #expect(html.components(separatedBy: "<script").count == 2, "only the report's own script")
  }

  @Test func manifestNamesFilesRelativeToTheNotebook() throws {
    // The notebook given by absolute path, one image from a -P override by absolute path, one
    // image in a subfolder, and the bundled model: no absolute path may reach the manifest.
    let notebook = """
      ---
      title: Paths
      images:
        red: pictures/red.png
        blue: blue.png
      ---
      ```convlens
      predict: {top: 1}
      ```
      """
    let scratch = try Scratch()
    defer { scratch.remove() }
    try FileManager.default.createDirectory(at: scratch.url("pictures"), withIntermediateDirectories: true)
    try FileManager.default.copyItem(at: scratch.url("red.png"), to: scratch.url("pictures/red.png"))
    try scratch.write("paths.md", notebook)
    let outside = CLI.root.appendingPathComponent("Reports/images/chelsea.png").path
    let result = try CLI.run(["render", "--out", scratch.url("out").path, "-q", "--html",
                              "-P", "images.cat=\(outside)", scratch.url("paths.md").path], in: scratch.folder)
    try #require(result.status == 0, "\(result.stderr)")
    let data = try Data(contentsOf: scratch.url("out/paths.run.json"))
    let text = String(decoding: data, as: UTF8.self)
    #expect(!text.contains(scratch.folder.path), "the scratch folder leaked into the manifest")
    let manifest = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(manifest["notebook"] as? String == "paths.md")
    #expect((manifest["model"] as? [String: Any])?["path"] as? String == "bundled:efficientnet-lite0.onnx")
    let images = (manifest["images"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }
    #expect(images.count == 3)
    #expect(images.contains("pictures/red.png") && images.contains("blue.png"))
    #expect(images.allSatisfy { !$0.hasPrefix("/") }, "\(images)")
    let steps = manifest["steps"] as? [[String: Any]] ?? []
    #expect(steps.first?["location"] as? String == "paths.md:8")
  }

  @Test func safeRenderOfANotebookWithItsFilesInsideWorks() throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    // A symlink that stays inside the folder is fine.
    try FileManager.default.createSymbolicLink(atPath: scratch.url("alias.png").path, withDestinationPath: scratch.url("red.png").path)
    try scratch.write("report.md", Scratch.goodNotebook.replacingOccurrences(of: "blue: blue.png", with: "blue: alias.png"))
    let result = try CLI.run(Scratch.renderArguments(["--safe"]), in: scratch.folder)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(FileManager.default.fileExists(atPath: scratch.url("out/report.pdf").path))
  }

  /// Bundled models are ConvLens's own files: `--safe` accepts them, and the manifest names them `bundled:FILE`.
  @Test func safeRenderAcceptsBundledModels() throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    let notebook = Scratch.goodNotebook
      .replacingOccurrences(of: "preprocess: none", with: "preprocess: none\nmodels:\n  lite: bundled:efficientnet-lite0")
      .replacingOccurrences(of: "predict: {top: 2}", with: "predict: {top: 2, model: lite}")
    try scratch.write("report.md", notebook)
    let result = try CLI.run(Scratch.renderArguments(["--safe", "--html"]), in: scratch.folder)
    try #require(result.status == 0, "\(result.stderr)")
    let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: scratch.url("out/report.run.json"))) as? [String: Any]
    let models = manifest?["models"] as? [[String: Any]] ?? []
    #expect(models.map { $0["path"] as? String } == ["tiny_classifier.onnx", "bundled:efficientnet-lite0.onnx"])
    #expect((manifest?["steps"] as? [[String: Any]])?.first?["model"] as? String == "lite")
  }

  @Test func renderHelpDocumentsSafe() throws {
    let result = try CLI.run(["render", "--help"])
    #expect(result.status == 0)
    #expect(result.stdout.contains("--safe"))
    let words = result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")  // help text is wrapped
    #expect(words.contains("outside the notebook's folder"))
    #expect(words.contains("status 130"))
  }

  /// SHA-256 of `text` in base64, from coreutils' sha256sum (the test target has no crypto library).
  func sha256Base64(_ text: String) throws -> String {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("csp-\(UUID().uuidString).js")
    try Data(text.utf8).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    process.arguments = [file.path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    let hex = Array(output.prefix(64))
    let bytes = stride(from: 0, to: hex.count, by: 2).compactMap { UInt8(String(hex[$0...$0 + 1]), radix: 16) }
    try #require(bytes.count == 32)
    return Data(bytes).base64EncodedString()
  }
}
