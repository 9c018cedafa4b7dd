import ArgumentParser
import Foundation
import ModelLoading
import Notebooks

/// `convlens render`: a notebook (.md or .yaml) in, a PDF and a self-contained HTML report out.
struct RenderCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "render",
    abstract: "Run a notebook's steps (cached) and write NAME.pdf, NAME.html and NAME.run.json.",
    discussion: """
      NOTEBOOK defaults to Reports/cnn-visualization-review.md. Without --pdf/--html both are written \
      (or what the front matter's `outputs` lists). Results are cached under .convlens-cache/ beside the \
      notebook, so a re-render after editing prose takes seconds.

      --safe refuses every path the notebook names (model, labels, models, images, datasets, theme, \
      and --template) that resolves, after following symbolic links, outside the notebook's folder: use \
      it for notebooks you did not write (bundled:NAME models are ConvLens's own and pass). Ctrl-C leaves the previous report untouched (exit status 130).
      """)

  @Argument(help: "The notebook: Markdown with YAML front matter and ```convlens steps, or a .yaml notebook.")
  var notebook: String?

  @Flag(name: .long, help: "Write the PDF.")
  var pdf = false

  @Flag(name: .long, help: "Write the HTML page.")
  var html = false

  @Option(name: .long, help: "Output folder, relative to the current directory.")
  var out: String = "Reports/out"

  @Option(name: .customShort("P"), help: ArgumentHelp("Override a front-matter value: -P model=net.onnx, -P images.cat=cat.jpg.",
                                                      valueName: "key=value"))
  var parameters: [String] = []

  @Flag(name: .long, help: "Recompute every step instead of reusing cached results.")
  var noCache = false

  @Option(name: .long, help: "HTML template folder (a copy of Templates/html); missing files fall back to the defaults.")
  var template: String?

  @Flag(name: .long, help: "Also write every figure as PNG and SVG into NAME_files/.")
  var figures = false

  @Flag(name: .long, help: "Also write the page layout (each page's placed items with y and height, in points) as NAME.pages.txt.")
  var pagePlan = false

  @Flag(name: .long, help: "Refuse any file the notebook names outside its own folder (after following symlinks).")
  var safe = false

  @Flag(name: .shortAndLong, help: "No progress on stderr and no list of written files.")
  var quiet = false

  /// A malformed -P is bad usage (exit 2), found before anything is read.
  func validate() throws {
    for parameter in parameters {
      do { _ = try ParameterOverride(parsing: parameter) } catch { throw ValidationError("\(error)") }
    }
  }

  func run() throws {
    try reportingErrors {
      let path = try notebookPath()
      let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
      var formats: Set<OutputFormat>?
      if pdf || html { formats = Set((pdf ? [OutputFormat.pdf] : []) + (html ? [.html] : [])) }
      let request = RenderRequest(
        notebook: URL(fileURLWithPath: path, relativeTo: cwd).standardizedFileURL, displayName: path,
        overrides: try parameters.map { try ParameterOverride(parsing: $0) },
        outDirectory: URL(fileURLWithPath: out, isDirectory: true, relativeTo: cwd).standardizedFileURL,
        formats: formats, templateDirectory: template.map { URL(fileURLWithPath: $0, isDirectory: true, relativeTo: cwd).standardizedFileURL },
        writeFigures: figures, writePagePlan: pagePlan, safe: safe,
        run: RunOptions(useCache: !noCache, toolVersion: ConvLensVersion.string, progress: ProgressReporter(quiet: quiet)))
      let result = try NotebookRenderer.render(request)
      guard !quiet else { return }
      for file in result.files where !file.path.contains("_files/") { print(displayPath(file, cwd: cwd)) }
      if figures { print("\(result.files.filter { $0.path.contains("_files/") }.count) figure files in \(out)/") }
      let seconds = String(format: "%.1f", result.seconds)
      FileHandle.standardError.write(Data("\(result.stepCount) steps (\(result.cacheHits) from cache) in \(seconds) s\n".utf8))
    }
  }

  /// The notebook given, else the default review (found in the current folder or the ConvLens checkout).
  private func notebookPath() throws -> String {
    if let notebook { return notebook }
    let relative = "Reports/cnn-visualization-review.md"
    if FileManager.default.fileExists(atPath: relative) { return relative }
    if let root = BundledResources.root {
      let path = root.appendingPathComponent(relative).path
      if FileManager.default.fileExists(atPath: path) { return path }
    }
    throw CommandError("no notebook given and \(relative) not found; run `convlens render NOTEBOOK`")
  }

  private func displayPath(_ url: URL, cwd: URL) -> String {
    let base = cwd.standardizedFileURL.path + "/"
    return url.path.hasPrefix(base) ? String(url.path.dropFirst(base.count)) : url.path
  }
}
