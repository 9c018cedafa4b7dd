// Inputs found by Fuzz/Sources/FuzzNotebook that crashed the parser, kept as regression tests.
import Foundation
import Testing
@testable import Notebooks

@Suite struct NotebookFuzzRegressionTests {
  private func parse(_ text: String, as name: String) throws -> Notebook {
    try NotebookParser.parse(text, url: URL(fileURLWithPath: "/tmp/fuzz-regression/\(name)"), displayName: name)
  }

  /// Lone "\r" line endings (old Mac style): cmark counts them as line breaks, the parser split only
  /// on "\n", so the prose between two steps was cut with cmark's larger line numbers and trapped
  /// ("Range requires lowerBound <= upperBound"). Now every line ending counts as one line.
  @Test func loneCarriageReturnsBetweenTwoStepsParseWithTheRightLines() throws {
    let text = "Intro\r\r```convlens\rsaliency\r```\r\rMiddle\r\r```convlens\rpredict: {top: 2}\r```\rEnd\r"
    let notebook = try parse(text, as: "cr.md")
    #expect(notebook.steps.map(\.name) == ["saliency", "predict"])
    #expect(notebook.steps.map(\.location.line) == [4, 10])
    let prose: [String] = notebook.cells.compactMap { if case .markdown(let text) = $0 { text } else { nil } }
    #expect(prose.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } == ["Intro", "Middle", "End"])
  }

  /// Mixed endings in front matter and body give the same notebook as "\n" alone.
  @Test func mixedLineEndingsMatchUnixLineEndings() throws {
    let unix = "---\ntitle: T\n---\nProse\n\n```convlens\nsaliency\n```\n\n```convlens\npredict\n```\n"
    let mixed = "---\r\ntitle: T\r---\nProse\r\r\n```convlens\rsaliency\r\n```\n\r```convlens\rpredict\r```\r"
    let expected = try parse(unix, as: "unix.md")
    let notebook = try parse(mixed, as: "mixed.md")
    #expect(notebook.frontMatter.title == "T")
    #expect(notebook.steps.map(\.name) == expected.steps.map(\.name))
    #expect(notebook.steps.map(\.location.line) == expected.steps.map(\.location.line))
  }
}
