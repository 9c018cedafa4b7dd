// `render --safe`: a notebook from someone else can name any file on the machine (`model: /etc/x`,
// `cat: ../../private.png`, a symlink beside it pointing anywhere), and the report would embed or
// publish what it reads. With --safe every path the notebook (or -P, or --template) names must
// resolve, after following symbolic links, inside the notebook's own folder. Bundled models
// (`bundled:NAME`) are ConvLens's own files, not the notebook's, so they pass.
import Foundation
import ModelLoading

enum SafePaths {
  /// Throws at the first path outside the notebook's folder, located where the notebook names it.
  static func check(_ notebook: Notebook, templateDirectory: URL?) throws {
    let root = resolved(notebook.url.deletingLastPathComponent().path)
    let front = notebook.frontMatter
    let nowhere = SourceLocation(file: notebook.displayName, line: 0, column: 0)
    func require(_ path: String, _ what: String, at location: SourceLocation?) throws {
      let real = resolved(path)
      if real == root || real.hasPrefix(root == "/" ? "/" : root + "/") { return }
      let target = real == URL(fileURLWithPath: path).standardizedFileURL.path ? path : "\(path), a link to \(real),"
      throw NotebookError("--safe: \(what) (\(target)) is outside the notebook's folder \(root); "
                          + "copy it into that folder or render without --safe", at: location ?? nowhere)
    }
    for model in front.allModels {
      let whose = model.isDefault ? "" : " of model '\(model.name)'"
      if let path = model.path, !path.hasPrefix(BundledModel.scheme) {
        try require(path, model.isDefault ? "the model" : "model '\(model.name)'", at: model.keyLocations["path"])
      }
      if let labels = model.labels { try require(labels, "the labels file" + whose, at: model.keyLocations["labels"]) }
    }
    if let theme = front.theme { try require(theme, "the theme folder", at: front.keyLocations["theme"]) }
    for image in front.images { try require(image.path, "image '\(image.name)'", at: image.location) }
    for dataset in front.datasets {
      try require(dataset.path, "dataset '\(dataset.name)'", at: dataset.location)
      if let labels = dataset.options["labels"] {
        let folder = URL(fileURLWithPath: dataset.path).deletingLastPathComponent()
        try require(resolvePath(labels, against: folder), "the labels of dataset '\(dataset.name)'", at: dataset.location)
      }
    }
    if let templateDirectory {
      try require(templateDirectory.path, "the template folder",
                  at: SourceLocation(file: "--template", line: 0, column: 0))
    }
  }

  /// `path` with every symbolic link followed; for a path that does not exist (yet), its deepest
  /// existing folder is resolved and the rest appended, so a missing file behind a link still counts
  /// as where the link points.
  static func resolved(_ path: String) -> String {
    let standardized = URL(fileURLWithPath: path).standardizedFileURL.path
    if let real = realpath(standardized, nil) {
      defer { free(real) }
      return String(cString: real)
    }
    let parent = (standardized as NSString).deletingLastPathComponent
    guard !parent.isEmpty, parent != standardized else { return standardized }
    return (resolved(parent) as NSString).appendingPathComponent((standardized as NSString).lastPathComponent)
  }
}
