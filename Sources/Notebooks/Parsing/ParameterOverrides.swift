// `-P key=value`: replaces front-matter values without editing the notebook. Dotted keys reach
// nested mappings (`-P images.cat=my-cat.jpg`, `-P datasets.fashion.limit=200`,
// `-P models.sq=bundled:squeezenet1.1`). Values are YAML (`-P outputs=[pdf]`). Paths given on the
// command line are relative to the current directory, like every other command-line path.
import Foundation
import ModelLoading
import Yams

public struct ParameterOverride: Sendable, Equatable {
  /// Dotted path: ["images", "cat"].
  public var keyPath: [String]
  public var value: String

  /// Parses "key=value" (the first '=' splits).
  public init(parsing text: String) throws {
    guard let equals = text.firstIndex(of: "=") else {
      throw NotebookError("-P \(text): expected key=value, e.g. -P model=resnet.onnx or -P images.cat=cat.jpg")
    }
    let key = String(text[..<equals]).trimmingCharacters(in: .whitespaces)
    let parts = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    guard !key.isEmpty, !parts.contains(where: \.isEmpty) else {
      throw NotebookError("-P \(text): the key '\(key)' is empty or has an empty part between dots")
    }
    keyPath = parts
    value = String(text[text.index(after: equals)...])
  }

  public var key: String { keyPath.joined(separator: ".") }

  /// Whether the value names a file (resolved against the current directory, unless it names a
  /// bundled model: `-P model=bundled:squeezenet1.1`).
  var isPath: Bool {
    switch keyPath.first {
    case "model", "labels", "theme": return keyPath.count == 1
    case "images": return keyPath.count == 2
    case "models": return keyPath.count == 2 || (keyPath.count == 3 && ["path", "labels"].contains(keyPath[2]))
    case "datasets": return keyPath.count == 3 && keyPath[2] == "path"
    default: return false
    }
  }

  /// `root` (the front matter's node, nil when absent) with this value set.
  func apply(to root: Node?, currentDirectory: URL) throws -> Node {
    guard let first = keyPath.first, FrontMatter.knownKeys.contains(first) else {
      throw NotebookError("-P \(key): unknown front-matter key '\(keyPath[0])'" + Suggestions.hint(for: keyPath[0], in: FrontMatter.knownKeys))
    }
    let valueNode: Node
    if isPath {
      let path = value.hasPrefix(BundledModel.scheme) ? value : resolvePath(value, against: currentDirectory)
      valueNode = Node(path, .implicit, .doubleQuoted)
    } else {
      do {
        valueNode = ParameterOverride.unlocated(try Yams.compose(yaml: value) ?? Node("", .implicit, .plain))
      } catch {
        throw NotebookError("-P \(key)=\(value): the value is not valid YAML")
      }
    }
    return try set(valueNode, at: keyPath[...], in: root)
  }

  /// `node` without source marks: a mark of the value's own text (line 1) would be read as a line of
  /// the notebook; without one an error about the value points at "-P (command line)".
  private static func unlocated(_ node: Node) -> Node {
    switch node {
    case .scalar(var scalar):
      scalar.mark = nil
      return .scalar(scalar)
    case .mapping(var mapping):
      mapping.mark = nil
      for index in mapping.indices { mapping[index] = (unlocated(mapping[index].key), unlocated(mapping[index].value)) }
      return .mapping(mapping)
    case .sequence(var sequence):
      sequence.mark = nil
      for index in sequence.indices { sequence[index] = unlocated(sequence[index]) }
      return .sequence(sequence)
    case .alias:
      return node
    }
  }

  private func set(_ value: Node, at path: ArraySlice<String>, in node: Node?) throws -> Node {
    guard let head = path.first else { return value }
    var pairs: [(Node, Node)] = []
    if let node, !node.isNull {
      guard case .mapping(let mapping) = node else {
        throw NotebookError("-P \(key): '\(keyPath.prefix(keyPath.count - path.count).joined(separator: "."))' is not a mapping, so it has no key '\(head)'")
      }
      pairs = mapping.map { ($0.key, $0.value) }
    }
    if let index = pairs.firstIndex(where: { $0.0.scalarText == head }) {
      pairs[index].1 = try set(value, at: path.dropFirst(), in: pairs[index].1)
    } else {
      pairs.append((Node(head), try set(value, at: path.dropFirst(), in: nil)))
    }
    return Node(pairs)
  }
}
