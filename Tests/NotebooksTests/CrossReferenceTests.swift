import Document
import Foundation
import Rendering
import Testing
@testable import Notebooks

/// `label: fig-…` on a step and `@fig-…` in prose: checked when the notebook is read, numbered
/// and linked by both backends ("그림 2" in a Korean notebook).
@Suite(.serialized) struct CrossReferenceTests {
  static func notebook(_ prose: String, label: String = "fig-heat") -> String {
    """
    ---
    \(TestWorkspace.tinyFrontMatter)
    ---
    # 교차 참조

    첫 문단. \(prose)

    ```convlens
    occlusion: {image: blue, window: 4, stride: 4}
    ```

    ```convlens
    grad-cam: {image: red, label: \(label)}
    ```

    뒤에서 다시 @fig-heat을 본다. `@fig-not-a-reference`는 코드다.
    """
  }

  /// 1-based line and column of the first `marker` in `text`.
  static func position(of marker: String, in text: String) -> (line: Int, column: Int) {
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      if let range = line.range(of: marker) { return (index + 1, line.distance(from: line.startIndex, to: range.lowerBound) + 1) }
    }
    return (0, 0)
  }

  @Test func anUnknownReferenceIsANotebookErrorAtItsPosition() throws {
    let text = Self.notebook("앞에서 @fig-haet를 미리 본다.")
    let error = notebookError { _ = try TestWorkspace().parse("refs.md", text) }
    let expected = Self.position(of: "@fig-haet", in: text)
    #expect(error?.location?.line == expected.line && error?.location?.column == expected.column)
    #expect(error?.message.contains("no step is labelled 'fig-haet'") == true)
    #expect(error?.message.contains("did you mean 'fig-heat'") == true)
  }

  @Test func labelsAreCheckedWhenRead() throws {
    let workspace = try TestWorkspace()
    let bad = notebookError { _ = try workspace.parse("bad.md", Self.notebook("", label: "heat map")) }
    #expect(bad?.message.contains("a label is 'fig-'") == true)
    let doubled = Self.notebook("").replacingOccurrences(of: "window: 4, stride: 4", with: "window: 4, stride: 4, label: fig-heat")
    let error = notebookError { _ = try workspace.parse("twice.md", doubled) }
    #expect(error?.message.contains("already used") == true)
    #expect(error?.location?.line == Self.position(of: "red, label: fig-heat", in: doubled).line)  // the second use
    // YAML notebooks: the reference inside a `markdown: |` block is located on its own line.
    let yaml = "title: t\nmodel: tiny_classifier.onnx\nlabels: tiny_labels.txt\npreprocess: none\nimages: {red: red.png}\n"
      + "cells:\n  - markdown: |\n      Intro.\n      See @fig-nowhere here.\n  - grad-cam: {image: red, label: fig-a}\n"
    let yamlError = notebookError { _ = try workspace.parse("refs.yaml", yaml) }
    #expect(yamlError?.location?.line == 9 && yamlError?.location?.column == 11)
  }

  @Test func referencesBecomeNumberedLinksInHTMLAndPDF() throws {
    let workspace = try TestWorkspace()
    let url = try workspace.write("refs.md", Self.notebook("앞에서 @fig-heat를 미리 본다."))
    let result = try NotebookRenderer.render(workspace.request(url))
    // The occlusion figure is 1, the labelled grad-cam figure 2; the document is Korean.
    guard case .figure(let figure) = result.document.blocks.first(where: { if case .figure(let f) = $0 { return f.label != nil } else { return false } })
    else { Issue.record("no labelled figure"); return }
    #expect(figure.id.contains("grad-cam"))
    let html = try String(contentsOf: workspace.outDirectory.appendingPathComponent("refs.html"), encoding: .utf8)
    #expect(html.components(separatedBy: "<a href=\"#fig-2\">그림\u{00A0}2</a>").count == 3)  // the forward and the later reference
    #expect(html.contains("<code>@fig-not-a-reference</code>"))
    #expect(html.contains("id=\"fig-2\""))
    // PDF: a link annotation to the figure's named destination.
    let pdf = String(decoding: try Data(contentsOf: workspace.outDirectory.appendingPathComponent("refs.pdf")), as: UTF8.self)
    #expect(pdf.components(separatedBy: "/Subtype /Link").dropFirst().filter { $0.prefix(300).contains("/Dest (fig-2)") }.count == 2)
  }

  @Test func aLabelledStepWithoutAFigureIsAnErrorAtItsLabel() throws {
    let workspace = try TestWorkspace()
    let text = "---\n\(TestWorkspace.tinyFrontMatter)\n---\nSee @fig-top.\n\n```convlens\npredict: {top: 2, label: fig-top}\n```\n"
    let url = try workspace.write("table.md", text)
    let error = notebookError { _ = try NotebookRenderer.render(workspace.request(url)) }
    #expect(error?.message.contains("makes no figure") == true)
    #expect(error?.location?.line == Self.position(of: "label: fig-top", in: text).line)
  }
}
