import Foundation
import Testing

/// Ctrl-C (or SIGTERM) during a render: exit status 130, the previous PDF/HTML/manifest byte for
/// byte as they were, and no temporary file anywhere in the notebook's folder.
@Suite(.serialized) struct InterruptTests {
  /// A render that takes minutes: occlusion with a small stride on the bundled EfficientNet.
  static let slowNotebook = """
    ---
    title: Slow
    images:
      cat: \(CLI.root.appendingPathComponent("Reports/images/chelsea.png").path)
    ---
    # Slow

    ```convlens
    occlusion: {image: cat, window: 8, stride: 2}
    ```
    """

  func interruptedRender(signal number: Int32) throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    let good = try CLI.run(Scratch.renderArguments(), in: scratch.folder)
    try #require(good.status == 0, "the good notebook must render: \(good.stderr)")
    let before = try scratch.snapshot().filter { $0.key.hasPrefix("out/") }
    try #require(Set(before.keys) == ["out/report.pdf", "out/report.html", "out/report.run.json"])

    try scratch.write("report.md", Self.slowNotebook)
    guard let executable = CLI.executable else { throw CLITestError("convlens executable not found") }
    let process = Process()
    process.executableURL = executable
    process.arguments = Scratch.renderArguments(["--no-cache"])
    process.currentDirectoryURL = scratch.folder
    let errorFile = scratch.url("stderr.txt")
    _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
    process.standardError = try FileHandle(forWritingTo: errorFile)
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    // Progress is silent without a terminal, so wait long enough to be inside the step (parsing and
    // loading the model take well under a second; the occlusion takes minutes).
    Thread.sleep(forTimeInterval: 4)
    let early = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
    try #require(process.isRunning, "the slow render ended before the signal: \(early)")
    kill(process.processIdentifier, number)
    process.waitUntilExit()

    let stderr = try String(contentsOf: errorFile, encoding: .utf8)
    #expect(process.terminationReason == .exit, "killed by the signal instead of handling it")
    #expect(process.terminationStatus == 130, "status \(process.terminationStatus): \(stderr)")
    #expect(stderr.contains("interrupted"))
    let after = try scratch.snapshot()
    #expect(after.filter { $0.key.hasPrefix("out/") } == before, "the previous report changed")
    let all = try FileManager.default.subpathsOfDirectory(atPath: scratch.folder.path)
    #expect(all.allSatisfy { !$0.contains(".tmp") }, "temporary files left: \(all.filter { $0.contains(".tmp") })")
  }

  @Test func sigintMidRenderKeepsThePreviousReport() throws {
    try interruptedRender(signal: SIGINT)
  }

  @Test func sigtermMidRenderKeepsThePreviousReport() throws {
    try interruptedRender(signal: SIGTERM)
  }
}
