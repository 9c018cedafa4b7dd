import Foundation
@testable import Notebooks

/// A temporary folder holding the tiny fixtures (a 3-class 16x16 classifier, its labels, two
/// pictures) and the notebooks a test writes, removed when the test ends.
final class TestWorkspace {
  let directory: URL
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

  init() throws {
    directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("notebooks-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    for name in ["tiny_classifier.onnx", "tiny_labels.txt", "red.png", "blue.png"] {
      try FileManager.default.copyItem(at: TestWorkspace.fixtures.appendingPathComponent(name),
                                       to: directory.appendingPathComponent(name))
    }
  }

  deinit { try? FileManager.default.removeItem(at: directory) }

  /// Front matter for the tiny model and both pictures.
  static let tinyFrontMatter = """
    title: Tiny report
    author: Test
    date: 2026-11-26
    model: tiny_classifier.onnx
    labels: tiny_labels.txt
    preprocess: none
    images:
      red: red.png
      blue: blue.png
    """

  @discardableResult
  func write(_ name: String, _ text: String) throws -> URL {
    let url = directory.appendingPathComponent(name)
    try Data(text.utf8).write(to: url)
    return url
  }

  var outDirectory: URL { directory.appendingPathComponent("out", isDirectory: true) }

  func request(_ notebook: URL, useCache: Bool = true, formats: Set<OutputFormat>? = nil, figures: Bool = false) -> RenderRequest {
    RenderRequest(notebook: notebook, displayName: notebook.lastPathComponent, outDirectory: outDirectory, formats: formats,
                  writeFigures: figures, run: RunOptions(useCache: useCache, toolVersion: "test-1"))
  }

  func parse(_ name: String, _ text: String, overrides: [String] = []) throws -> Notebook {
    let url = try write(name, text)
    return try NotebookParser.load(url, displayName: name, overrides: overrides.map { try ParameterOverride(parsing: $0) },
                                   currentDirectory: directory)
  }
}

/// The error a throwing call raised, as a NotebookError (nil if it did not throw one).
func notebookError(_ body: () throws -> Void) -> NotebookError? {
  do {
    try body()
    return nil
  } catch let error as NotebookError {
    return error
  } catch {
    return NotebookError("unexpected error type: \(error)")
  }
}
