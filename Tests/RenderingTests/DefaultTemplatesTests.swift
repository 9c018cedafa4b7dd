import Foundation
import Testing
@testable import Rendering

/// The HTML templates are built into the library (DefaultTemplates.swift) so `HTMLRenderer()` works
/// without the repository; this keeps that copy equal to the editable files in Templates/html.
@Suite struct DefaultTemplatesTests {
  static let templatesDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Templates/html")

  @Test(arguments: HTMLRenderer.templateFileNames)
  func builtInCopyEqualsTemplateFile(name: String) throws {
    let file = try String(contentsOf: Self.templatesDirectory.appendingPathComponent(name), encoding: .utf8)
    let same = DefaultTemplates.files[name] == file
    #expect(same, "Sources/Rendering/DefaultTemplates.swift is stale for \(name): run Scripts/update_default_templates.py")
  }
}
