// The models a notebook names: the front matter's `model:`/`labels:`/`preprocess:` (the default
// model, which every step runs on unless it says otherwise) and the named entries of `models:`,
// each a path, `bundled:NAME`, or `{path, labels, preprocess}`. Steps choose one with `model: NAME`.
import Foundation
import ModelLoading
import Yams

/// One model of the notebook, as written (nothing is read here).
public struct ModelSpec: Sendable, Equatable {
  /// The name of the front matter's own model; `models:` may not use it, a step may (`model: default`).
  public static let defaultName = "default"
  /// The keys of a `models:` entry written as a mapping.
  static let keys = ["path", "labels", "preprocess"]

  public var name: String
  /// An absolute path or `bundled:NAME` (checked against the bundled models); nil: the standard
  /// bundled model.
  public var path: String?
  /// Absolute path of the class names; nil: the model's own (`ModelFile.defaultLabels`).
  public var labels: String?
  /// A preset name, checked when the run starts; nil: the model's own.
  public var preprocess: String?
  /// Where the model is declared (its name in `models:`, the `model:` key), nil when nowhere.
  public var location: SourceLocation?
  /// Where its `path`, `labels` and `preprocess` are written.
  public var keyLocations: [String: SourceLocation] = [:]

  public var isDefault: Bool { name == Self.defaultName }

  /// Letters, digits, '-' and '_': a name a step can write unquoted.
  static func isValidName(_ name: String) -> Bool {
    !name.isEmpty && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
  }
}

extension FrontMatter {
  /// The front matter's own model (`model:`, `labels:`, `preprocess:`), located at those keys.
  public var defaultModel: ModelSpec {
    var keys: [String: SourceLocation] = [:]
    for (key, field) in [("path", "model"), ("labels", "labels"), ("preprocess", "preprocess")] { keys[key] = keyLocations[field] }
    return ModelSpec(name: ModelSpec.defaultName, path: model, labels: labels, preprocess: preprocess,
                     location: keyLocations["model"], keyLocations: keys)
  }

  /// The default model first, then `models:` in written order.
  public var allModels: [ModelSpec] { [defaultModel] + models }

  /// A model as written: `bundled:NAME` is checked against the bundled models and kept as
  /// `bundled:NAME`; anything else is a path resolved against the notebook's folder.
  static func modelPath(_ written: String, at location: SourceLocation, directory: URL) throws -> String {
    do {
      if let bundled = try BundledModel.referenced(by: written) { return bundled.reference }
    } catch let error as ModelLoadingError {
      throw NotebookError(error.description, at: location)
    }
    return resolvePath(written, against: directory)
  }

  static func decodeModels(_ node: Node, source: YAMLText, directory: URL) throws -> [ModelSpec] {
    if node.isNull { return [] }
    guard let pairs = node.orderedPairs else {
      throw NotebookError("'models' must map names to models, e.g. `squeezenet: bundled:squeezenet1.1` or "
                          + "`resnet: {path: resnet18.onnx, labels: classes.txt, preprocess: imagenet}`", at: source.location(of: node))
    }
    return try pairs.map { name, nameNode, value in
      let nameLocation = source.location(of: nameNode)
      guard ModelSpec.isValidName(name) else {
        throw NotebookError("a model name is letters, digits, '-' or '_' (e.g. squeezenet), got '\(name)'", at: nameLocation)
      }
      guard name != ModelSpec.defaultName else {
        throw NotebookError("'\(name)' names the front matter's own `model:`; give this model another name", at: nameLocation)
      }
      guard !value.isNull else {
        throw NotebookError("model '\(name)' is empty; give a file path, bundled:NAME or {path: ..., labels: ..., preprocess: ...}",
                            at: nameLocation)
      }
      var spec = ModelSpec(name: name, location: nameLocation)
      func text(_ key: String, _ node: Node) throws -> String {
        guard let text = node.scalarText else {
          throw NotebookError("model '\(name)': '\(key)' must be a single value, not a list or mapping", at: source.location(of: node))
        }
        guard !node.isNull, !text.isEmpty else {
          throw NotebookError("model '\(name)': '\(key)' is empty", at: source.location(of: node))
        }
        return text
      }
      if let fields = value.orderedPairs {
        for (key, keyNode, field) in fields {
          switch key {
          case "path": spec.path = try modelPath(try text(key, field), at: source.location(of: field), directory: directory)
          case "labels": spec.labels = resolvePath(try text(key, field), against: directory)
          case "preprocess": spec.preprocess = try text(key, field)
          default:
            throw NotebookError("unknown key '\(key)' for model '\(name)'" + Suggestions.hint(for: key, in: ModelSpec.keys),
                                at: source.location(of: keyNode))
          }
          spec.keyLocations[key] = source.location(of: field)
        }
        guard spec.path != nil else {
          throw NotebookError("model '\(name)' needs a 'path': an .onnx file or bundled:NAME", at: nameLocation)
        }
      } else if value.scalarText != nil {
        spec.path = try modelPath(try text("path", value), at: source.location(of: value), directory: directory)
        spec.keyLocations["path"] = source.location(of: value)
      } else {
        throw NotebookError("model '\(name)' is a file path, bundled:NAME or {path: ..., labels: ..., preprocess: ...}",
                            at: source.location(of: value))
      }
      return spec
    }
  }
}
