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
    #expect(same,
            "Sources/Rendering/DefaultTemplates.swift is stale for \(name): run the tests once with CONVLENS_UPDATE_TEMPLATES=1")
  }
}

extension DefaultTemplatesTests {
  /// With CONVLENS_UPDATE_TEMPLATES=1, rewrites DefaultTemplates.swift from Templates/html.
  @Test func regeneratesBuiltInCopyWhenAsked() throws {
    guard ProcessInfo.processInfo.environment["CONVLENS_UPDATE_TEMPLATES"] == "1" else { return }
    var source = """
      // Generated from Templates/html by DefaultTemplatesTests (CONVLENS_UPDATE_TEMPLATES=1); do not edit.
      // The built-in copy lets HTMLRenderer() work without the repository's Templates directory.

      enum DefaultTemplates {
        static let files: [String: String] = [

      """
    for name in HTMLRenderer.templateFileNames {
      let file = try String(contentsOf: Self.templatesDirectory.appendingPathComponent(name), encoding: .utf8)
      #expect(!file.contains("\"\"\"#"), "\(name) contains a raw-string delimiter")
      source += "    \"\(name)\": #\"\"\"\n\(file)\n\"\"\"#,\n"
    }
    source += "  ]\n}\n"
    let target = Self.templatesDirectory.deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Sources/Rendering/DefaultTemplates.swift")
    try source.write(to: target, atomically: true, encoding: .utf8)
    #expect(FileManager.default.fileExists(atPath: target.path))
  }
}
