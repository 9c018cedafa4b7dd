// The HTML backend: one switch over the document's blocks into a Mustache context, rendered with
// the templates of a directory (a user's copy of Templates/html) or the built-in defaults.
// The output is one self-contained file: images as PNG data URIs, CSS and script inline, and a
// Content-Security-Policy that forbids every network request and every script but ours.
import Crypto
import Document
import Foundation
import Mustache

public struct HTMLRenderer: Sendable {
  /// Files a template directory may provide; missing ones fall back to the built-in defaults.
  public static let templateFileNames = [
    "report.html.mustache", "figure.mustache", "grid.mustache", "table.mustache", "report.css", "report.js",
  ]

  /// The built-in templates by file name (a copy of the repository's Templates/html), e.g. for a
  /// command that writes a starting point the user can edit and pass back as a template directory.
  public static var defaultTemplateFiles: [String: String] { DefaultTemplates.files }

  public let templateDirectory: URL?

  /// `templateDirectory` nil uses the built-in copy of the repository's `Templates/html`.
  public init(templateDirectory: URL? = nil) {
    self.templateDirectory = templateDirectory
  }

  public func render(_ document: ReportDocument) throws -> Data {
    let files = try loadTemplates()
    var library = MustacheLibrary()
    for name in HTMLRenderer.templateFileNames where name.hasSuffix(".mustache") {
      do {
        try library.register(files[name] ?? "", named: String(name.dropLast(".mustache".count)))
      } catch {
        throw RenderingError.template("\(name) does not parse as Mustache: \(error)")
      }
    }
    let script = files["report.js"] ?? ""
    let context = try renderLock.withLock {
      try HTMLContextBuilder(document: document).page(css: files["report.css"] ?? "", script: script, scriptHash: cspHash(script))
    }
    guard let html = library.render(context, withTemplate: "report.html") else {
      throw RenderingError.template("report.html.mustache is missing")
    }
    return Data(html.utf8)
  }

  private func loadTemplates() throws -> [String: String] {
    var files = DefaultTemplates.files
    guard let directory = templateDirectory else { return files }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw RenderingError.template("template directory \(directory.path) does not exist (expected a copy of Templates/html)")
    }
    for name in HTMLRenderer.templateFileNames {
      let url = directory.appendingPathComponent(name)
      guard FileManager.default.fileExists(atPath: url.path) else { continue }
      do {
        files[name] = try String(contentsOf: url, encoding: .utf8)
      } catch {
        throw RenderingError.template("\(url.path) could not be read as UTF-8 text: \(error.localizedDescription)")
      }
    }
    return files
  }
}

/// "sha256-<base64>" of the exact script text, as a CSP source expression.
func cspHash(_ script: String) -> String {
  "sha256-" + Data(SHA256.hash(data: Data(script.utf8))).base64EncodedString()
}
