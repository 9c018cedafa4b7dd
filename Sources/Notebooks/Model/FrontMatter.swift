// The notebook's settings (YAML front matter of a .md, top-level keys of a .yaml), decoded from a
// Yams node with every key checked: unknown keys get the closest known one, wrong types a message
// saying what is expected, both at the key's position in the notebook.
import Foundation
import Yams

/// A dataset named in the front matter, kept as data: the Datasets module turns it into a
/// `DatasetSource` (see `NotebookRunner.datasetFactory`).
public struct DatasetSpec: Sendable, Equatable {
  public var name: String
  /// "idx" or "folder".
  public var type: String
  /// Absolute path (relative paths are resolved against the notebook's folder).
  public var path: String
  public var limit: Int?
  /// Any other keys as text (e.g. `labels`, `split`), for the dataset reader to interpret.
  public var options: [String: String]
  public var location: SourceLocation
}

/// A named input image.
public struct NamedImage: Sendable, Equatable {
  public var name: String
  /// Absolute path.
  public var path: String
  public var location: SourceLocation
}

public struct FrontMatter: Sendable {
  public static let knownKeys = [
    "title", "subtitle", "author", "date", "language", "model", "labels", "preprocess", "models", "images",
    "datasets", "outputs", "theme", "seed",
  ]
  public static let outputKinds = ["pdf", "html"]

  public var title: String?
  public var subtitle: String?
  public var author: String?
  /// Text as written (never the clock), so renders are deterministic.
  public var date: String?
  public var language: String?
  /// The default model: an absolute path or `bundled:NAME`; nil means the bundled EfficientNet-Lite0.
  public var model: String?
  /// The default model's class names (absolute path) and preset name (see `defaultModel`).
  public var labels: String?
  public var preprocess: String?
  /// `models:`, the other models steps may choose (`model: NAME`), in written order.
  public var models: [ModelSpec] = []
  /// In written order; names are unique (YAML rejects duplicate keys).
  public var images: [NamedImage] = []
  public var datasets: [DatasetSpec] = []
  /// Which reports to write when the command line does not say ("pdf", "html").
  public var outputs: [String] = FrontMatter.outputKinds
  /// An HTML template directory (absolute path).
  public var theme: String?
  public var seed: UInt64 = 0
  /// Where each top-level key was written.
  public var keyLocations: [String: SourceLocation] = [:]

  public init() {}

  /// Decodes `node` (nil: an empty front matter). Relative paths resolve against `directory`.
  static func decode(_ node: Node?, source: YAMLText, directory: URL) throws -> FrontMatter {
    var result = FrontMatter()
    guard let node, !node.isNull else { return result }
    guard let pairs = node.orderedPairs else {
      throw NotebookError("the front matter must be key: value pairs (title, model, images, ...)", at: source.location(of: node))
    }
    func text(_ key: String, _ value: Node) throws -> String {
      guard let string = value.scalarText else {
        throw NotebookError("'\(key)' must be a single value, not a list or mapping", at: source.location(of: value))
      }
      return string
    }
    func path(_ key: String, _ value: Node) throws -> String {
      let written = try text(key, value)
      guard !written.isEmpty else { throw NotebookError("'\(key)' is empty; give a file path", at: source.location(of: value)) }
      return resolvePath(written, against: directory)
    }
    for (key, keyNode, value) in pairs {
      result.keyLocations[key] = source.location(of: keyNode)
      switch key {
      case "title": result.title = try text(key, value)
      case "subtitle": result.subtitle = try text(key, value)
      case "author": result.author = try text(key, value)
      case "date": result.date = try text(key, value)
      case "language": result.language = try text(key, value)
      case "model" where !value.isNull:
        let written = try text(key, value)
        guard !written.isEmpty else { throw NotebookError("'model' is empty; give a file path or bundled:NAME", at: source.location(of: value)) }
        result.model = try modelPath(written, at: source.location(of: value), directory: directory)
      case "model": result.model = nil
      case "labels": result.labels = value.isNull ? nil : try path(key, value)
      case "preprocess": result.preprocess = value.isNull ? nil : try text(key, value)
      case "theme": result.theme = value.isNull ? nil : try path(key, value)
      case "seed":
        guard let seed = UInt64(try text(key, value)) else {
          throw NotebookError("'seed' must be a non-negative integer", at: source.location(of: value))
        }
        result.seed = seed
      case "models": result.models = try decodeModels(value, source: source, directory: directory)
      case "images": result.images = try decodeImages(value, source: source, directory: directory)
      case "datasets": result.datasets = try decodeDatasets(value, source: source, directory: directory)
      case "outputs": result.outputs = try decodeOutputs(value, source: source)
      default:
        throw NotebookError("unknown front-matter key '\(key)'" + Suggestions.hint(for: key, in: knownKeys),
                            at: source.location(of: keyNode))
      }
    }
    return result
  }

  private static func decodeImages(_ node: Node, source: YAMLText, directory: URL) throws -> [NamedImage] {
    if node.isNull { return [] }
    guard let pairs = node.orderedPairs else {
      throw NotebookError("'images' must map names to files, e.g. `cat: images/cat.png`", at: source.location(of: node))
    }
    return try pairs.map { key, keyNode, value in
      guard let path = value.scalarText, !path.isEmpty else {
        throw NotebookError("image '\(key)' must be one file path", at: source.location(of: value))
      }
      guard key != "all" else {
        throw NotebookError("'all' is reserved (a step's `image: all`); name the image differently", at: source.location(of: keyNode))
      }
      return NamedImage(name: key, path: resolvePath(path, against: directory), location: source.location(of: value))
    }
  }

  private static func decodeDatasets(_ node: Node, source: YAMLText, directory: URL) throws -> [DatasetSpec] {
    if node.isNull { return [] }
    guard let pairs = node.orderedPairs else {
      throw NotebookError("'datasets' must map names to {type, path, ...}", at: source.location(of: node))
    }
    return try pairs.map { name, keyNode, value in
      guard let fields = value.orderedPairs else {
        throw NotebookError("dataset '\(name)' must be a mapping such as {type: idx, path: data/fashion, limit: 500}",
                            at: source.location(of: value))
      }
      var spec = DatasetSpec(name: name, type: "", path: "", limit: nil, options: [:], location: source.location(of: keyNode))
      for (key, fieldKey, field) in fields {
        guard let text = field.scalarText else {
          throw NotebookError("dataset '\(name)': '\(key)' must be a single value", at: source.location(of: field))
        }
        switch key {
        case "type":
          guard ["idx", "folder"].contains(text) else {
            throw NotebookError("dataset '\(name)': type '\(text)' is unknown; use idx or folder", at: source.location(of: field))
          }
          spec.type = text
        case "path": spec.path = resolvePath(text, against: directory)
        case "limit":
          guard let limit = Int(text), limit > 0 else {
            throw NotebookError("dataset '\(name)': limit must be a positive integer", at: source.location(of: field))
          }
          spec.limit = limit
        default:
          if key.isEmpty { throw NotebookError("dataset '\(name)': empty key", at: source.location(of: fieldKey)) }
          spec.options[key] = text
        }
      }
      guard !spec.type.isEmpty, !spec.path.isEmpty else {
        throw NotebookError("dataset '\(name)' needs both 'type' (idx or folder) and 'path'", at: spec.location)
      }
      return spec
    }
  }

  private static func decodeOutputs(_ node: Node, source: YAMLText) throws -> [String] {
    let items: [Node]
    if case .sequence(let sequence) = node { items = Array(sequence) } else { items = [node] }
    return try items.map { item in
      guard let text = item.scalarText?.lowercased(), outputKinds.contains(text) else {
        throw NotebookError("'outputs' lists pdf and/or html", at: source.location(of: item))
      }
      return text
    }
  }
}

/// `path` as an absolute path: unchanged if absolute (or `~/...`), else relative to `directory`.
func resolvePath(_ path: String, against directory: URL) -> String {
  let expanded = (path as NSString).expandingTildeInPath
  if expanded.hasPrefix("/") { return URL(fileURLWithPath: expanded).standardizedFileURL.path }
  return directory.appendingPathComponent(expanded).standardizedFileURL.path
}
