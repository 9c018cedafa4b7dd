import Foundation
import Testing
@testable import Notebooks

/// `models:` in the front matter, `bundled:NAME` and a step's `model:`, checked when the notebook
/// is read: nothing here loads a model, so a bundled model need not be installed.
@Suite struct MultiModelParsingTests {
  static let models = """
    models:
      lite: bundled:efficientnet-lite0.onnx
      other: {path: tiny_classifier.onnx, labels: tiny_labels.txt, preprocess: none}
      sq: bundled:SqueezeNet1.1
    """

  static func notebook(models: String = MultiModelParsingTests.models, step: String = "predict") -> String {
    "---\n\(TestWorkspace.tinyFrontMatter)\n\(models)\n---\n\n```convlens\n\(step)\n```\n"
  }

  @Test func modelsArePathsBundledNamesOrMappings() throws {
    let workspace = try TestWorkspace()
    let text = Self.notebook(step: "grad-cam: {image: red, model: other}")
    let notebook = try workspace.parse("models.md", text)
    let front = notebook.frontMatter
    #expect(front.models.map(\.name) == ["lite", "other", "sq"])
    // The manifest's `bundled:FILE` and any case name the same bundled model, kept in one spelling.
    #expect(front.models[0].path == "bundled:efficientnet-lite0")
    #expect(front.models[2].path == "bundled:squeezenet1.1")
    #expect(front.models[1].path == workspace.directory.appendingPathComponent("tiny_classifier.onnx").path)
    #expect(front.models[1].labels == workspace.directory.appendingPathComponent("tiny_labels.txt").path)
    #expect(front.models[1].preprocess == "none")
    #expect(front.models[1].keyLocations["preprocess"] == SourceLocation(file: "models.md", line: lineNumber(of: "  other:", in: text),
                                                                        column: column(of: "none}", in: text)))
    // The default model is the front matter's own, first among all models.
    #expect(front.allModels.map(\.name) == ["default", "lite", "other", "sq"])
    #expect(front.defaultModel.path == workspace.directory.appendingPathComponent("tiny_classifier.onnx").path)
    #expect(notebook.steps[0].model == "other")
    #expect(Step.stepKeys.contains("model"))
  }

  @Test func defaultNamesTheFrontMattersModelAndBundledWorksForItToo() throws {
    let workspace = try TestWorkspace()
    let explicit = try workspace.parse("default.md", Self.notebook(step: "predict: {model: default}"))
    #expect(explicit.steps[0].model == nil, "`model: default` is the same step as no model at all")
    let bundled = try workspace.parse("bundled.md", Self.notebook(models: "", step: "predict")
      .replacingOccurrences(of: "model: tiny_classifier.onnx", with: "model: bundled:squeezenet1.1"))
    #expect(bundled.frontMatter.model == "bundled:squeezenet1.1", "a bundled name is not resolved as a path")
  }

  @Test func unknownStepModelIsLocatedAtItsNameWithTheClosestDeclared() throws {
    let workspace = try TestWorkspace()
    let text = Self.notebook(step: "grad-cam: {image: red, model: othr}")
    let error = notebookError { _ = try workspace.parse("typo.md", text) }
    #expect(error?.message.contains("no model named 'othr'") == true)
    #expect(error?.message.contains("did you mean 'other'") == true, "\(String(describing: error))")
    #expect(error?.location == SourceLocation(file: "typo.md", line: lineNumber(of: "grad-cam:", in: text), column: column(of: "othr", in: text)))
    // Without `models:` the message says how to declare one.
    let none = notebookError { _ = try workspace.parse("none.md", Self.notebook(models: "", step: "predict: {model: lite}")) }
    #expect(none?.message.contains("declares no `models:`") == true, "\(String(describing: none))")
  }

  @Test func aCompareStepsModelBelongsToTheStepNotAColumn() throws {
    let workspace = try TestWorkspace()
    let step = try workspace.parse("ok.md", Self.notebook(step: "compare: {image: red, model: other, methods: [grad-cam, saliency]}")).steps[0]
    #expect(step.model == "other")
    let text = Self.notebook(step: "compare: {image: red, methods: [grad-cam, {saliency: {model: other}}]}")
    let error = notebookError { _ = try workspace.parse("column.md", text) }
    #expect(error?.message.contains("'model' belongs to the compare step") == true, "\(String(describing: error))")
    #expect(error?.location?.column == column(of: "model: other", in: text))
  }

  /// A bad `models:` entry: the message, and the text its location points at.
  struct BadEntry: Sendable, CustomTestStringConvertible {
    let models: String
    let mentions: [String]
    let at: String
    var testDescription: String { mentions[0] }
  }

  static let badEntries = [
    BadEntry(models: "models:\n  other: {path: tiny_classifier.onnx, lables: tiny_labels.txt}",
             mentions: ["unknown key 'lables' for model 'other'", "did you mean 'labels'"], at: "lables"),
    BadEntry(models: "models:\n  other: {path: [a.onnx, b.onnx]}", mentions: ["model 'other': 'path' must be a single value"], at: "[a.onnx"),
    BadEntry(models: "models:\n  other: {path: tiny_classifier.onnx, preprocess: {name: none}}",
             mentions: ["model 'other': 'preprocess' must be a single value"], at: "{name"),
    BadEntry(models: "models:\n  other: [a.onnx]", mentions: ["model 'other' is a file path, bundled:NAME or {path"], at: "[a.onnx]"),
    BadEntry(models: "models:\n  other:", mentions: ["model 'other' is empty"], at: "other:"),
    BadEntry(models: "models:\n  other: {labels: tiny_labels.txt}", mentions: ["model 'other' needs a 'path'"], at: "other:"),
    BadEntry(models: "models:\n  my model: tiny_classifier.onnx", mentions: ["a model name is letters, digits, '-' or '_'", "'my model'"],
             at: "my model"),
    BadEntry(models: "models:\n  default: tiny_classifier.onnx", mentions: ["'default' names the front matter's own `model:`"], at: "default:"),
    BadEntry(models: "models:\n  sq: bundled:squeezenet1.0",
             mentions: ["unknown bundled model 'squeezenet1.0'", "did you mean 'bundled:squeezenet1.1'",
                        "bundled models: bundled:efficientnet-lite0, bundled:squeezenet1.1"], at: "bundled:"),
    BadEntry(models: "models:\n  sq: {path: bundled:resnet}", mentions: ["unknown bundled model 'resnet'", "bundled:efficientnet-lite0"],
             at: "bundled:"),
    BadEntry(models: "models: [tiny_classifier.onnx]", mentions: ["'models' must map names to models"], at: "[tiny"),
  ]

  @Test(arguments: MultiModelParsingTests.badEntries)
  func badModelsEntry(_ entry: BadEntry) throws {
    let workspace = try TestWorkspace()
    let text = Self.notebook(models: entry.models)
    let error = try #require(notebookError { _ = try workspace.parse("bad.md", text) })
    for fragment in entry.mentions { #expect(error.message.contains(fragment), "'\(fragment)' not in: \(error)") }
    let line = text.split(separator: "\n", omittingEmptySubsequences: false).lastIndex { $0.contains(entry.at) }.map { $0 + 1 }
    let written = line.map { text.split(separator: "\n", omittingEmptySubsequences: false)[$0 - 1] }
    let expectedColumn = written.flatMap { $0.range(of: entry.at) }.map { written!.distance(from: written!.startIndex, to: $0.lowerBound) + 1 }
    #expect(error.location == SourceLocation(file: "bad.md", line: line ?? 0, column: expectedColumn ?? 0), "\(error)")
  }

  @Test func frontMattersBundledModelNameIsCheckedWhereItIsWritten() throws {
    let workspace = try TestWorkspace()
    let text = Self.notebook(models: "").replacingOccurrences(of: "model: tiny_classifier.onnx", with: "model: bundled:lite0")
    let error = notebookError { _ = try workspace.parse("front.md", text) }
    #expect(error?.message.contains("unknown bundled model 'lite0'; bundled models: bundled:efficientnet-lite0") == true,
            "\(String(describing: error))")
    #expect(error?.location == SourceLocation(file: "front.md", line: lineNumber(of: "model: bundled", in: text), column: 8))
  }

  @Test func overridesSetModelsWithPathsFromTheCurrentFolderAndBundledNamesAsWritten() throws {
    let workspace = try TestWorkspace()
    let notebook = try workspace.parse("p.md", Self.notebook(), overrides: [
      "models.sq=bundled:efficientnet-lite0", "models.other.labels=elsewhere/labels.txt", "models.new=nets/new.onnx",
      "model=bundled:squeezenet1.1",
    ])
    let byName = Dictionary(uniqueKeysWithValues: notebook.frontMatter.models.map { ($0.name, $0) })
    #expect(byName["sq"]?.path == "bundled:efficientnet-lite0")
    #expect(byName["other"]?.labels == workspace.directory.appendingPathComponent("elsewhere/labels.txt").path)
    #expect(byName["new"]?.path == workspace.directory.appendingPathComponent("nets/new.onnx").path)
    #expect(notebook.frontMatter.model == "bundled:squeezenet1.1")
  }

  @Test func safeModeChecksEveryModelsPathAndPassesBundledModels() throws {
    let workspace = try TestWorkspace()
    let bundled = try workspace.parse("safe.md", Self.notebook())
    try SafePaths.check(bundled, templateDirectory: nil)  // bundled:… are ConvLens's files, not the notebook's
    let outside = TestWorkspace.fixtures.appendingPathComponent("tiny_classifier.onnx").path
    let text = Self.notebook(models: "models:\n  lite: bundled:efficientnet-lite0\n  far: {path: \(outside), preprocess: none}")
    let error = notebookError { try SafePaths.check(try workspace.parse("unsafe.md", text), templateDirectory: nil) }
    #expect(error?.message.contains("--safe: model 'far'") == true, "\(String(describing: error))")
    #expect(error?.location == SourceLocation(file: "unsafe.md", line: lineNumber(of: "  far:", in: text), column: column(of: outside, in: text)))
    let labels = Self.notebook(models: "models:\n  near: {path: tiny_classifier.onnx, labels: \(TestWorkspace.fixtures.path)/tiny_labels.txt}")
    let labelsError = notebookError { try SafePaths.check(try workspace.parse("labels.md", labels), templateDirectory: nil) }
    #expect(labelsError?.message.contains("the labels file of model 'near'") == true, "\(String(describing: labelsError))")
  }
}

/// The 1-based column of the first occurrence of `marker` on its line of `text`.
func column(of marker: String, in text: String) -> Int {
  for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
    if let range = line.range(of: marker) { return line.distance(from: line.startIndex, to: range.lowerBound) + 1 }
  }
  return 0
}
