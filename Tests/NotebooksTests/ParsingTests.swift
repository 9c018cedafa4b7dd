import Foundation
import Testing
@testable import Notebooks

@Suite struct MarkdownParsingTests {
  @Test func frontMatterProseAndStepsInOrderWithLines() throws {
    let workspace = try TestWorkspace()
    let text = """
      ---
      \(TestWorkspace.tinyFrontMatter)
      ---
      # Notes

      Some prose.

      ```convlens
      grad-cam: {image: red, target: [top1, banana], alpha: 0.3}
      ```

      More prose with a plain code block:

      ```python
      print("not a step")
      ```

      ```convlens
      saliency
      ```
      """
    let notebook = try workspace.parse("notes.md", text)
    #expect(notebook.frontMatter.title == "Tiny report")
    #expect(notebook.frontMatter.images.map(\.name) == ["red", "blue"])
    #expect(notebook.frontMatter.images[0].path == workspace.directory.appendingPathComponent("red.png").standardizedFileURL.path)
    #expect(notebook.steps.map(\.name) == ["grad-cam", "saliency"])
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let gradCAMLine = lines.firstIndex { $0.hasPrefix("grad-cam:") }! + 1
    let saliencyLine = lines.firstIndex { $0 == "saliency" }! + 1
    #expect(notebook.steps[0].location.line == gradCAMLine)
    #expect(notebook.steps[0].location.column == 1)
    #expect(notebook.steps[1].location.line == saliencyLine)
    #expect(notebook.steps[0].images == ["red"])
    #expect(notebook.steps[0].targets == ["top1", "banana"])
    #expect(notebook.steps[0].display.alpha == 0.3)
    // Prose keeps the python block; cells alternate prose and steps.
    guard case .markdown(let first) = notebook.cells[0], case .step = notebook.cells[1], case .markdown(let middle) = notebook.cells[2] else {
      Issue.record("cells are not prose, step, prose: \(notebook.cells)")
      return
    }
    #expect(first.contains("# Notes"))
    #expect(middle.contains("print(\"not a step\")"))
    #expect(!middle.contains("grad-cam"))
  }

  @Test func yamlSyntaxErrorInsideAFenceIsReportedAtTheNotebookLine() throws {
    let workspace = try TestWorkspace()
    let text = "---\n\(TestWorkspace.tinyFrontMatter)\n---\nIntro.\n\n```convlens\ngrad-cam:\n  image: red\n   target: [top1\n```\n"
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let error = notebookError { _ = try workspace.parse("broken.md", text) }
    #expect(error?.message.contains("YAML syntax error") == true)
    let fence = lines.firstIndex { $0 == "```convlens" }! + 1
    // The problem is inside the block, after the fence line, not at line 1-3 of the YAML text.
    #expect((error?.location?.line ?? 0) > fence)
    #expect((error?.location?.line ?? 0) <= fence + 3)
    #expect(error?.location?.file == "broken.md")
  }

  @Test func unknownSettingPointsAtItsKeyWithASuggestion() throws {
    let workspace = try TestWorkspace()
    let text = "---\n\(TestWorkspace.tinyFrontMatter)\n---\n\n```convlens\nocclusion:\n  image: red\n  windw: 8\n```\n"
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let error = notebookError { _ = try workspace.parse("typo.md", text) }
    #expect(error?.message.contains("unknown setting 'windw'") == true)
    #expect(error?.message.contains("did you mean 'window'") == true)
    #expect(error?.location?.line == lines.firstIndex { $0.contains("windw") }! + 1)
    #expect(error?.location?.column == 3)
  }

  @Test func indentedFenceShiftsColumns() throws {
    let workspace = try TestWorkspace()
    let text = "---\n\(TestWorkspace.tinyFrontMatter)\n---\n\n  ```convlens\n  occlusion: {image: red, strid: 4}\n  ```\n"
    let error = notebookError { _ = try workspace.parse("indented.md", text) }
    #expect(error?.message.contains("did you mean 'stride'") == true)
    // "  occlusion: {image: red, strid: 4}": 'strid' starts at column 27 of the notebook line.
    #expect(error?.location?.column == 27)
  }

  @Test func badSettingValueIsReportedAtTheValue() throws {
    let workspace = try TestWorkspace()
    let text = "---\n\(TestWorkspace.tinyFrontMatter)\n---\n```convlens\nocclusion: {window: big}\n```\n"
    let error = notebookError { _ = try workspace.parse("value.md", text) }
    #expect(error?.message.contains("window") == true)
    #expect(error?.location?.line == lineNumber(of: "occlusion:", in: text))
    #expect(error?.location?.column == 21)
  }

  @Test func unknownStepGetsTheClosestMethodName() throws {
    let workspace = try TestWorkspace()
    let text = "---\n\(TestWorkspace.tinyFrontMatter)\n---\n```convlens\ngrad-camm: {image: red}\n```\n"
    let error = notebookError { _ = try workspace.parse("step.md", text) }
    #expect(error?.message.contains("unknown step 'grad-camm'") == true)
    #expect(error?.message.contains("'grad-cam'") == true)
    #expect(error?.location == SourceLocation(file: "step.md", line: lineNumber(of: "grad-camm", in: text), column: 1))
  }

  @Test func unknownFrontMatterKeyGetsASuggestion() throws {
    let workspace = try TestWorkspace()
    let error = notebookError { _ = try workspace.parse("front.md", "---\ntitle: x\nimagez:\n  red: red.png\n---\nText.\n") }
    #expect(error?.message.contains("unknown front-matter key 'imagez'") == true)
    #expect(error?.message.contains("did you mean 'images'") == true)
    #expect(error?.location == SourceLocation(file: "front.md", line: 3, column: 1))
  }

  @Test func duplicateImageNamesAreRejected() throws {
    let workspace = try TestWorkspace()
    let error = notebookError {
      _ = try workspace.parse("dup.md", "---\nimages:\n  cat: red.png\n  cat: blue.png\n---\n")
    }
    #expect(error?.message.contains("duplicate key 'cat'") == true)
    #expect(error?.location?.line == 3 || error?.location?.line == 4)
  }

  @Test func unknownImageNameInAStepGetsASuggestion() throws {
    let workspace = try TestWorkspace()
    let text = "---\n\(TestWorkspace.tinyFrontMatter)\n---\n```convlens\nsaliency: {image: rde}\n```\n"
    let error = notebookError { _ = try workspace.parse("img.md", text) }
    #expect(error?.message.contains("no image named 'rde'") == true)
    #expect(error?.message.contains("'red'") == true)
    #expect(error?.location == SourceLocation(file: "img.md", line: lineNumber(of: "saliency:", in: text), column: 19))
  }

  @Test func stepInsideAListIsRejectedWithItsLine() throws {
    let workspace = try TestWorkspace()
    let text = "---\n\(TestWorkspace.tinyFrontMatter)\n---\n- item\n\n  ```convlens\n  saliency\n  ```\n"
    let error = notebookError { _ = try workspace.parse("list.md", text) }
    #expect(error?.message.contains("inside a list") == true)
    #expect(error?.location?.line == lineNumber(of: "  ```convlens", in: text))
  }
}

@Suite struct YAMLNotebookTests {
  @Test func cellsAreProseOrOneStep() throws {
    let workspace = try TestWorkspace()
    let text = """
      \(TestWorkspace.tinyFrontMatter)
      cells:
        - markdown: |
            # Quick
            Hello.
        - predict: {top: 2}
        - grad-cam: {image: blue}
      """
    let notebook = try workspace.parse("quick.yaml", text)
    #expect(notebook.cells.count == 3)
    #expect(notebook.cells[0] == .markdown("# Quick\nHello.\n"))
    #expect(notebook.steps.map(\.name) == ["predict", "grad-cam"])
    #expect(notebook.steps[0].settings["top"] == .int(2))
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(notebook.steps[1].location.line == lines.firstIndex { $0.contains("grad-cam") }! + 1)
    #expect(notebook.steps[1].location.column == 5)
  }

  @Test func unknownSettingInYAMLNotebookIsLocated() throws {
    let workspace = try TestWorkspace()
    let text = "\(TestWorkspace.tinyFrontMatter)\ncells:\n  - grad-cam:\n      image: red\n      layr: c1\n"
    let error = notebookError { _ = try workspace.parse("bad.yaml", text) }
    #expect(error?.message.contains("did you mean 'layer'") == true)
    #expect(error?.location?.line == text.split(separator: "\n").firstIndex { $0.contains("layr") }! + 1)
    #expect(error?.location?.column == 7)
  }
}

@Suite struct OverrideTests {
  @Test func topLevelAndDottedOverridesReplaceValues() throws {
    let workspace = try TestWorkspace()
    let text = "---\n\(TestWorkspace.tinyFrontMatter)\n---\nText.\n"
    let notebook = try workspace.parse("o.md", text, overrides: ["title=Changed title", "images.red=blue.png", "images.green=red.png",
                                                                 "model=other.onnx"])
    #expect(notebook.frontMatter.title == "Changed title")
    let paths = Dictionary(uniqueKeysWithValues: notebook.frontMatter.images.map { ($0.name, $0.path) })
    #expect(paths["red"] == workspace.directory.appendingPathComponent("blue.png").path)
    #expect(paths["green"] == workspace.directory.appendingPathComponent("red.png").path)
    #expect(notebook.frontMatter.images.map(\.name) == ["red", "blue", "green"])
    #expect(notebook.frontMatter.model == workspace.directory.appendingPathComponent("other.onnx").path)
  }

  @Test func overridesAreYAMLValues() throws {
    let workspace = try TestWorkspace()
    let notebook = try workspace.parse("o.yaml", "\(TestWorkspace.tinyFrontMatter)\ncells: []\n", overrides: ["outputs=[html]", "seed=7"])
    #expect(notebook.frontMatter.outputs == ["html"])
    #expect(notebook.frontMatter.seed == 7)
  }

  @Test func unknownOverrideKeyGetsASuggestion() throws {
    let workspace = try TestWorkspace()
    let error = notebookError { _ = try workspace.parse("o.md", "---\ntitle: t\n---\n", overrides: ["modle=x.onnx"]) }
    #expect(error?.message.contains("did you mean 'model'") == true)
    #expect(notebookError { _ = try ParameterOverride(parsing: "noequals") }?.message.contains("key=value") == true)
  }

  @Test func badOverrideValuesPointAtTheCommandLine() throws {
    let workspace = try TestWorkspace()
    let text = "---\n\(TestWorkspace.tinyFrontMatter)\n---\nText.\n"
    for (override, message) in [("outputs=7", "'outputs' lists pdf and/or html"), ("outputs=[pdf, 3]", "'outputs' lists pdf and/or html"),
                                ("datasets.d={type: idx, path: x, limit: abc}", "limit must be a positive integer")] {
      let error = notebookError { _ = try workspace.parse("o.md", text, overrides: [override]) }
      #expect(error?.message.contains(message) == true, "\(override): \(String(describing: error))")
      // Not a line of o.md: the value's own text starts at "line 1".
      #expect(error?.location?.file == "-P (command line)", "\(override): \(String(describing: error?.location))")
    }
  }

  @Test func overriddenImageMustStillBeUsedByName() throws {
    let workspace = try TestWorkspace()
    // A step naming an image that only the override adds parses.
    let notebook = try workspace.parse("o.md", "---\n\(TestWorkspace.tinyFrontMatter)\n---\n```convlens\nsaliency: {image: extra}\n```\n",
                                       overrides: ["images.extra=red.png"])
    #expect(notebook.steps[0].images == ["extra"])
  }
}

/// 1-based number of the first line of `text` that starts with `prefix`.
func lineNumber(of prefix: String, in text: String) -> Int {
  (text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix(prefix) } ?? -1) + 1
}
