import Foundation
import Testing

/// One row of the bad-input table: what it feeds `convlens` and what the user must see.
struct BadInputCase: Sendable, CustomTestStringConvertible {
  /// What the case checks (the test's name in the report).
  let name: String
  /// Documented exit status: 1 bad input or failed run, 2 bad usage, 0 where the input is in fact fine.
  let status: Int32
  /// Text the message must contain (case-insensitive): the file, tensor, key or location.
  let mentions: [String]
  /// True: render a good notebook into the same `--out` first; the failed render must leave it byte-identical.
  let rendersFirst: Bool
  let environment: [String: String]
  /// Writes the inputs into the scratch folder and returns the arguments.
  let prepare: @Sendable (Scratch) throws -> [String]

  init(_ name: String, status: Int32 = 1, mentions: [String], rendersFirst: Bool = false, environment: [String: String] = [:],
       prepare: @escaping @Sendable (Scratch) throws -> [String]) {
    self.name = name
    self.status = status
    self.mentions = mentions
    self.rendersFirst = rendersFirst
    self.environment = environment
    self.prepare = prepare
  }

  var testDescription: String { name }
}

/// Bad input gets one clear line on stderr naming the problem and where it is, a documented exit code
/// (README "Exit codes"), no crash, no output file, and an earlier report left byte for byte as it was.
@Suite struct BadInputTests {
  static let cases = BadModelCases.all + BadImageCases.all + BadNotebookCases.all + BadUsageCases.all

  @Test func tableHasAtLeastFortyDistinctCases() {
    #expect(Self.cases.count >= 40)
    #expect(Set(Self.cases.map(\.name)).count == Self.cases.count, "case names must be unique")
  }

  @Test(arguments: BadInputTests.cases)
  func badInput(_ row: BadInputCase) throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    if row.rendersFirst {
      let good = try CLI.run(Scratch.renderArguments(), in: scratch.folder)
      try #require(good.status == 0, "the good notebook must render: \(good.stderr)")
    }
    let before = try scratch.snapshot()
    let arguments = try row.prepare(scratch)
    let inputs = try scratch.snapshot()  // what prepare wrote is input, not output
    let result = try CLI.run(arguments, in: scratch.folder, environment: row.environment)

    #expect(result.exitedNormally, "terminated by signal \(result.status): \(result.stderr)")
    #expect(result.status == row.status, "exit \(result.status), stderr: \(result.stderr)")
    for marker in ["Fatal error", "Stack dump", "backtrace", "Segmentation", "Illegal instruction", "Swift runtime failure"] {
      #expect(!result.stderr.contains(marker), "crash output: \(result.stderr)")
    }
    let lines = result.stderr.split(separator: "\n")
    switch row.status {
    case 0:
      #expect(!result.stdout.isEmpty)
    case 1:
      #expect(lines.count == 1, "expected one line, got: \(result.stderr)")
      #expect(result.stderr.hasPrefix("convlens: error: "), "\(result.stderr)")
    default:
      // Usage errors: ArgumentParser's message first, then the usage lines.
      #expect(lines.first?.hasPrefix("Error: ") == true, "\(result.stderr)")
    }
    let message = row.status == 0 ? result.stdout : String(lines.first ?? "")
    for fragment in row.mentions {
      #expect(message.localizedCaseInsensitiveContains(fragment), "'\(fragment)' not in: \(message)")
    }
    // No partial output, nothing left behind: every file as before the run (the step cache beside
    // a notebook may gain entries of steps that ran before the failing one).
    let after = try scratch.snapshot()
    if row.status != 0 {
      #expect(after == inputs, "files changed: \(Set(after.keys).symmetricDifference(inputs.keys).sorted())")
    }
    #expect(after.keys.allSatisfy { !$0.contains(".tmp") }, "temporary files left: \(after.keys.sorted())")
    if row.rendersFirst {
      let outBefore = before.filter { $0.key.hasPrefix("out/") }
      #expect(!outBefore.isEmpty)
      #expect(after.filter { $0.key.hasPrefix("out/") } == outBefore, "the previous report changed")
    }
  }
}

/// A case's own folder, holding the tiny notebook fixtures (3-class 16x16 classifier, labels, two
/// pictures), a good notebook `report.md`, and whatever the case writes.
final class Scratch: Sendable {
  let folder: URL

  static let notebookFixtures = CLI.root.appendingPathComponent("Tests/NotebooksTests/Fixtures")
  static let imagingFixtures = CLI.root.appendingPathComponent("Tests/ImagingTests/Fixtures")

  /// Front matter for the tiny model and both pictures (lines 2-8 of report.md).
  static let frontMatter = """
    title: Tiny report
    model: tiny_classifier.onnx
    labels: tiny_labels.txt
    preprocess: none
    images:
      red: red.png
      blue: blue.png
    """

  static let goodNotebook = """
    ---
    \(frontMatter)
    ---
    # Tiny

    Some prose.

    ```convlens
    predict: {top: 2}
    ```
    """

  static func renderArguments(_ extra: [String] = [], notebook: String = "report.md") -> [String] {
    ["render", "--out", "out", "-q"] + extra + [notebook]
  }

  init() throws {
    folder = try CLI.temporaryFolder()
    for name in ["tiny_classifier.onnx", "tiny_labels.txt", "red.png", "blue.png"] {
      try FileManager.default.copyItem(at: Scratch.notebookFixtures.appendingPathComponent(name), to: folder.appendingPathComponent(name))
    }
    try write("report.md", Scratch.goodNotebook)
  }

  func remove() { try? FileManager.default.removeItem(at: folder) }

  func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

  @discardableResult
  func write(_ name: String, _ text: String) throws -> String {
    try write(name, Data(text.utf8))
  }

  @discardableResult
  func write(_ name: String, _ data: Data) throws -> String {
    let url = url(name)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try data.write(to: url)
    return url.path
  }

  /// Every regular file under the folder (relative path -> bytes), hidden ones included, the step
  /// cache excluded.
  func snapshot() throws -> [String: Data] {
    var files: [String: Data] = [:]
    guard let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return files }
    let base = folder.path + "/"
    for case let url as URL in enumerator {
      let path = url.path
      let relative = path.hasPrefix(base) ? String(path.dropFirst(base.count)) : url.lastPathComponent
      if relative.hasPrefix(".convlens-cache") { continue }
      guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
      files[relative] = try Data(contentsOf: url)
    }
    return files
  }
}

/// `file:line:column` of the first occurrence of `marker` in `text` (both 1-based).
func location(of marker: String, in text: String, file: String = "report.md") -> String {
  let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
  for (index, line) in lines.enumerated() {
    if let range = line.range(of: marker) {
      return "\(file):\(index + 1):\(line.distance(from: line.startIndex, to: range.lowerBound) + 1)"
    }
  }
  return "\(file):?"
}

/// A tiny seeded generator (SplitMix64) for reproducible random bytes.
struct SplitMix: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
