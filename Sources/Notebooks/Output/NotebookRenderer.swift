// The whole render: parse, run (cached), build the document, render PDF/HTML/manifest in memory,
// then write each file through a temporary file in the same folder and a rename, so a failure at
// any point leaves the previous good report untouched and a reader never sees half a file.
import Document
import Foundation
import Rendering

public enum OutputFormat: String, Sendable, CaseIterable {
  case pdf, html
}

public struct RenderRequest: Sendable {
  public var notebook: URL
  /// How errors name the notebook (default: its path as given).
  public var displayName: String?
  public var overrides: [ParameterOverride]
  /// Output folder (created if needed).
  public var outDirectory: URL
  /// nil: the front matter's `outputs` (default both).
  public var formats: Set<OutputFormat>?
  /// HTML templates; nil: the front matter's `theme`, else the built-in ones.
  public var templateDirectory: URL?
  /// Also write each figure as PNG and SVG into NAME_files/.
  public var writeFigures: Bool
  /// Also write the paged layout, one line per page and placed item, as NAME.pages.txt.
  public var writePagePlan: Bool
  /// `--safe`: refuse any path the notebook names outside its own folder (see `SafePaths`).
  public var safe: Bool
  public var run: RunOptions

  public init(notebook: URL, displayName: String? = nil, overrides: [ParameterOverride] = [], outDirectory: URL,
              formats: Set<OutputFormat>? = nil, templateDirectory: URL? = nil, writeFigures: Bool = false,
              writePagePlan: Bool = false, safe: Bool = false, run: RunOptions) {
    self.notebook = notebook
    self.displayName = displayName
    self.overrides = overrides
    self.outDirectory = outDirectory
    self.formats = formats
    self.templateDirectory = templateDirectory
    self.writeFigures = writeFigures
    self.writePagePlan = writePagePlan
    self.safe = safe
    self.run = run
  }
}

public struct RenderResult: Sendable {
  /// Files written, in order (PDF, HTML, manifest, figures).
  public var files: [URL]
  public var document: ReportDocument
  public var stepCount: Int
  public var cacheHits: Int
  public var seconds: Double
}

public enum NotebookRenderer {
  public static func render(_ request: RenderRequest) throws -> RenderResult {
    let start = Date()
    let notebook = try NotebookParser.load(request.notebook, displayName: request.displayName, overrides: request.overrides)
    if request.safe { try SafePaths.check(notebook, templateDirectory: request.templateDirectory) }
    let run = try NotebookRunner(notebook: notebook, options: request.run).run()
    let document = try ReportAssembler.document(run)
    let formats = request.formats ?? Set(notebook.frontMatter.outputs.compactMap { OutputFormat(rawValue: $0) })
    let name = notebook.name
    var outputs: [(String, Data)] = []
    request.run.progress.write("rendering \(formats.map(\.rawValue).sorted().joined(separator: " + ")) …")
    do {
      if formats.contains(.pdf) { outputs.append(("\(name).pdf", try PagedRenderer().pdf(document))) }
      if request.writePagePlan { outputs.append(("\(name).pages.txt", Data(try PagedRenderer().pagePlanDump(document).utf8))) }
      if formats.contains(.html) {
        let templates = request.templateDirectory ?? notebook.frontMatter.theme.map { URL(fileURLWithPath: $0, isDirectory: true) }
        outputs.append(("\(name).html", try HTMLRenderer(templateDirectory: templates).render(document)))
      }
    } catch {
      throw NotebookError("\(notebook.displayName): the report could not be rendered: \(error)")
    }
    outputs.append(("\(name).run.json", try run.manifest.json()))
    let figures = request.writeFigures ? try PagedRenderer().figureFiles(document) : []
    var written = try OutputWriter.write(outputs, to: request.outDirectory)
    if request.writeFigures {
      written += try OutputWriter.replaceFolder(request.outDirectory.appendingPathComponent("\(name)_files"), with: figures)
    }
    return RenderResult(files: written, document: document, stepCount: run.records.count,
                        cacheHits: run.records.filter(\.cacheHit).count, seconds: Date().timeIntervalSince(start))
  }
}

/// Writes through temporary files and renames, registered with `InFlightFiles` so an interrupt
/// removes them.
enum OutputWriter {
  static func write(_ files: [(String, Data)], to directory: URL) throws -> [URL] {
    let fileManager = FileManager.default
    do {
      try fileManager.createDirectory(at: directory, withIntermediateDirectories: true)
    } catch {
      throw NotebookError("cannot create the output folder \(directory.path): \(error.localizedDescription)")
    }
    // Every temporary file first, then the renames: a failure while writing leaves every old file.
    var temporaries: [(URL, URL)] = []
    defer {
      InFlightFiles.shared.finishing(temporaries.map(\.0)) {
        for (temporary, _) in temporaries { try? fileManager.removeItem(at: temporary) }
      }
    }
    for (name, data) in files {
      let target = directory.appendingPathComponent(name)
      let temporary = directory.appendingPathComponent(".\(name).tmp-\(ProcessInfo.processInfo.processIdentifier)")
      do {
        temporaries.append((temporary, target))
        try InFlightFiles.shared.creating(temporary) { try data.write(to: temporary) }
      } catch {
        throw NotebookError("cannot write \(target.path): \(error.localizedDescription)")
      }
    }
    var written: [URL] = []
    try InFlightFiles.shared.finishing(temporaries.map(\.0)) {
      for (temporary, target) in temporaries {
        guard rename(temporary.path, target.path) == 0 else {
          throw NotebookError("cannot replace \(target.path): \(String(cString: strerror(errno)))")
        }
        written.append(target)
      }
    }
    temporaries.removeAll()
    return written
  }

  /// Replaces `folder` with one holding `files` (built beside it, then swapped in).
  static func replaceFolder(_ folder: URL, with files: [(name: String, data: Data)]) throws -> [URL] {
    let fileManager = FileManager.default
    let staging = folder.deletingLastPathComponent()
      .appendingPathComponent(".\(folder.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
    try? fileManager.removeItem(at: staging)
    do {
      try InFlightFiles.shared.creating(staging) {
        try fileManager.createDirectory(at: staging, withIntermediateDirectories: true)
        for file in files { try file.data.write(to: staging.appendingPathComponent(file.name)) }
      }
      try InFlightFiles.shared.finishing([staging]) {
        if fileManager.fileExists(atPath: folder.path) { try fileManager.removeItem(at: folder) }
        try fileManager.moveItem(at: staging, to: folder)
      }
    } catch {
      InFlightFiles.shared.finishing([staging]) { try? fileManager.removeItem(at: staging) }
      throw NotebookError("cannot write the figures into \(folder.path): \(error.localizedDescription)")
    }
    return files.map { folder.appendingPathComponent($0.name) }
  }
}
