import Document
import Foundation
import Methods
import Testing
@testable import Notebooks

/// Notebooks whose steps run on different models: the tiny 16x16 classifier (preset `none`), the same
/// file with other class names, and the bundled EfficientNet-Lite0 (preset `efficientnet-lite`).
@Suite(.serialized) struct MultiModelRenderTests {
  static let liteInstalled = FileManager.default.fileExists(atPath: repositoryRoot.appendingPathComponent("Models/efficientnet-lite0.onnx").path)

  /// The tiny model as the default, `lite` and `abc` (the tiny model's file with the names x-ray, yak, zebra).
  static let notebook = """
    ---
    \(TestWorkspace.tinyFrontMatter)
    models:
      lite: bundled:efficientnet-lite0
      abc: {path: tiny_classifier.onnx, labels: abc.txt, preprocess: none}
    ---
    ```convlens
    predict: {top: 1}
    ```

    ```convlens
    predict: {top: 1, model: lite}
    ```

    ```convlens
    predict: {top: 1, model: abc}
    ```

    ```convlens
    grad-cam: {image: red, model: lite, target: tabby}
    ```

    ```convlens
    grad-cam: {image: red, target: apple}
    ```
    """

  static func workspace() throws -> TestWorkspace {
    let workspace = try TestWorkspace()
    try workspace.write("abc.txt", "x-ray\nyak\nzebra\n")
    return workspace
  }

  static func top1(_ record: StepRecord) -> [ClassInfo] {
    guard case .method(let output) = record.output, case .predictions(let predictions) = output.payload else { return [] }
    return predictions.items.compactMap(\.top.first)
  }

  @Test(.enabled(if: liteInstalled)) func eachStepRunsOnItsModelWithItsLabelsAndPictures() throws {
    let workspace = try Self.workspace()
    let url = try workspace.write("two.md", Self.notebook)
    let run = try NotebookRunner(notebook: try NotebookParser.load(url, displayName: "two.md"),
                                 options: RunOptions(useCache: true, toolVersion: "test-1")).run()
    #expect(run.records.map(\.model) == ["default", "lite", "abc", "lite", "default"])
    let (tiny, lite, abc) = (Self.top1(run.records[0]), Self.top1(run.records[1]), Self.top1(run.records[2]))
    #expect(tiny.count == 2 && lite.count == 2 && abc.count == 2)
    #expect(tiny.allSatisfy { ["apple", "banana", "cherry"].contains($0.label) }, "\(tiny)")
    // The same file with other names: the same classes and numbers, named from the step's labels.
    #expect(abc.map(\.index) == tiny.map(\.index))
    #expect(abc.map(\.probability) == tiny.map(\.probability))
    #expect(abc.allSatisfy { ["x-ray", "yak", "zebra"].contains($0.label) }, "\(abc)")
    // The file is read and its network built once, shared by both entries.
    let abcModel = try #require(run.models.model(named: "abc"))
    #expect(try abcModel.model().network === run.models.standard.model().network)
    #expect(try abcModel.model().labels?.names == ["x-ray", "yak", "zebra"])
    // Lite0 sees the picture at 224 px through its own preset and answers in ImageNet's classes.
    #expect(lite.allSatisfy { $0.index >= 0 && $0.index < 1000 && !["apple", "banana", "cherry"].contains($0.label) }, "\(lite)")
    // "tabby" is one of the step's model's classes (ImageNet 281), not the default model's.
    guard case .method(let gradCAM) = run.records[3].output, case .layerMaps(let maps) = gradCAM.payload else {
      Issue.record("the lite grad-cam step made no maps")
      return
    }
    #expect(maps.items.first?.target.index == 281)
    // The default and abc share the `none` preset: two presets prepared, not three.
    #expect(run.models.preparedPresets == 2)

    let document = try ReportAssembler.document(run)
    let figures = document.blocks.compactMap { if case .figure(let figure) = $0 { return figure } else { return nil } }
    let tables = document.blocks.compactMap { if case .table(let table) = $0 { return table } else { return nil } }
    try #require(figures.count == 2 && tables.count == 3)
    // Each figure shows the picture its model saw: 224x224 after Lite0's resize and crop, 16x16 as given.
    let (litePicture, tinyPicture) = (figures[0].panels[0].image, figures[1].panels[0].image)
    #expect(litePicture.width == 224 && litePicture.height == 224)
    #expect(tinyPicture.width == 16 && tinyPicture.height == 16)
    #expect(figures[0].caption.hasPrefix("grad-cam — model: lite (EfficientNet-Lite0, bundled); image: red"), "\(figures[0].caption)")
    #expect(!figures[1].caption.contains("model:"), "a default-model caption names no model: \(figures[1].caption)")
    #expect(tables[2].caption?.hasPrefix("Top-1 classes per image; model: abc (tiny_classifier.onnx); probability") == true)
    #expect(tables[0].caption?.contains("model:") == false)
  }

  @Test(.enabled(if: liteInstalled)) func manifestListsEveryModelAndEachStepsModel() throws {
    let workspace = try Self.workspace()
    let url = try workspace.write("two.md", Self.notebook)
    _ = try NotebookRenderer.render(workspace.request(url, formats: [.html]))
    let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: workspace.outDirectory.appendingPathComponent("two.run.json"))) as? [String: Any])
    let models = manifest["models"] as? [[String: Any]] ?? []
    #expect(models.map { $0["name"] as? String } == ["default", "lite", "abc"])
    #expect(models.map { $0["path"] as? String } == ["tiny_classifier.onnx", "bundled:efficientnet-lite0.onnx", "tiny_classifier.onnx"])
    #expect(models.map { $0["preset"] as? String } == ["none", "efficientnet-lite", "none"])
    #expect(models.map { ($0["labels"] as? [String: Any])?["path"] as? String } == ["tiny_labels.txt", "bundled:imagenet_classes.txt", "abc.txt"])
    #expect(models.allSatisfy { ($0["sha256"] as? String)?.count == 64 })
    #expect(models[0]["sha256"] as? String == models[2]["sha256"] as? String, "one file, one hash")
    #expect((manifest["steps"] as? [[String: Any]] ?? []).map { $0["model"] as? String } == ["default", "lite", "abc", "lite", "default"])
    // The top-level model and the predictions stay the default model's.
    #expect((manifest["model"] as? [String: Any])?["path"] as? String == "tiny_classifier.onnx")
    let predicted = (manifest["predictions"] as? [[String: Any]] ?? []).compactMap { ($0["top"] as? [[String: Any]])?.first?["label"] as? String }
    #expect(predicted.count == 2 && predicted.allSatisfy { ["apple", "banana", "cherry"].contains($0) }, "\(predicted)")
  }

  /// The cache key is the step's model's: the same settings on another model (here only its class
  /// names differ) are another entry, and changing that model's labels recomputes only its step.
  @Test func cacheKeysFollowTheStepsModel() throws {
    let workspace = try Self.workspace()
    let notebook = """
      ---
      \(TestWorkspace.tinyFrontMatter)
      models:
        abc: {path: tiny_classifier.onnx, labels: abc.txt, preprocess: none}
      ---
      ```convlens
      predict: {top: 2}
      ```

      ```convlens
      predict: {top: 2, model: abc}
      ```
      """
    let url = try workspace.write("keys.md", notebook)
    let first = try NotebookRenderer.render(workspace.request(url, formats: [.html]))
    #expect(first.cacheHits == 0, "the abc step must not reuse the default step's entry")
    let again = try NotebookRenderer.render(workspace.request(url, formats: [.html]))
    #expect(again.cacheHits == 2)
    try workspace.write("abc.txt", "xi\nypsilon\nzeta\n")
    let relabelled = try NotebookRenderer.render(workspace.request(url, formats: [.html]))
    #expect(relabelled.cacheHits == 1, "only the abc step depends on abc.txt")
  }

  /// Declaring `models:` that no step uses changes nothing in the report: default-model steps keep
  /// their figures and captions byte for byte.
  @Test func unusedModelsLeaveTheReportByteIdentical() throws {
    let steps = """
      ```convlens
      predict: {top: 2}
      ```

      ```convlens
      grad-cam: {image: red, target: [apple, cherry]}
      ```

      ```convlens
      compare: {image: blue, methods: [grad-cam, saliency]}
      ```
      """
    var outputs: [[Data]] = []
    for models in ["", "models:\n  abc: {path: tiny_classifier.onnx, labels: abc.txt}\n"] {
      let workspace = try Self.workspace()
      let url = try workspace.write("same.md", "---\n\(TestWorkspace.tinyFrontMatter)\n\(models)---\n\(steps)\n")
      _ = try NotebookRenderer.render(workspace.request(url, useCache: false, formats: [.pdf, .html]))
      outputs.append(try ["same.pdf", "same.html"].map { try Data(contentsOf: workspace.outDirectory.appendingPathComponent($0)) })
    }
    #expect(outputs[0][0] == outputs[1][0], "the PDF changed")
    #expect(outputs[0][1] == outputs[1][1], "the HTML changed")
  }

  @Test func aModelsFileThatIsMissingIsReportedWhereItIsDeclared() throws {
    let workspace = try Self.workspace()
    let text = "---\n\(TestWorkspace.tinyFrontMatter)\nmodels:\n  gone: {path: nowhere.onnx}\n---\n```convlens\npredict\n```\n"
    let url = try workspace.write("gone.md", text)
    let error = notebookError { _ = try NotebookRenderer.render(workspace.request(url)) }
    #expect(error?.message.contains("model file not found") == true && error?.message.contains("nowhere.onnx") == true,
            "\(String(describing: error))")
    #expect(error?.location == SourceLocation(file: "gone.md", line: lineNumber(of: "  gone:", in: text), column: column(of: "nowhere", in: text)))
    #expect(!FileManager.default.fileExists(atPath: workspace.outDirectory.appendingPathComponent("gone.pdf").path))
  }
}
