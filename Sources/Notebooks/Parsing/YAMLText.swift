// Parsing YAML with Yams while keeping positions in the NOTEBOOK file: a YAML text taken from a
// fenced block or the front matter starts at some line of the notebook, so every Yams mark is
// shifted by that offset before it is shown.
import Foundation
import Yams

/// A YAML text and where it sits in the notebook.
struct YAMLText {
  let text: String
  /// The notebook file name for locations.
  let file: String
  /// Notebook line of the text's line 1, minus 1.
  let lineOffset: Int
  /// Columns to add (an indented fence indents its content).
  let columnOffset: Int

  /// The root node, or nil for an empty text. YAML syntax errors become located `NotebookError`s.
  func compose() throws -> Node? {
    do {
      return try Yams.compose(yaml: text)
    } catch let error as YamlError {
      throw notebookError(error)
    }
  }

  /// Where the text starts in the notebook.
  var start: SourceLocation { SourceLocation(file: file, line: lineOffset + 1, column: columnOffset + 1) }

  /// The notebook location of a Yams mark; nodes without a mark came from a `-P` override.
  func location(_ mark: Mark?) -> SourceLocation {
    guard let mark else { return SourceLocation(file: "-P (command line)", line: 0, column: 0) }
    return SourceLocation(file: file, line: mark.line + lineOffset, column: mark.column + columnOffset)
  }

  func location(of node: Node) -> SourceLocation { location(node.mark) }

  private func notebookError(_ error: YamlError) -> NotebookError {
    switch error {
    case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
      return NotebookError("YAML syntax error: \(problem)", at: location(mark))
    case .duplicatedKeysInMapping(let duplicates, let context):
      let names = duplicates.map { "'\($0)'" }.joined(separator: ", ")
      return NotebookError("duplicate key \(names) in one mapping (each name may appear once)", at: location(context.mark))
    case .reader(let problem, _, _, _):
      return NotebookError("YAML cannot be read: \(problem)", at: start)
    default:
      return NotebookError("YAML error: \(error)", at: start)
    }
  }
}

extension Node {
  /// The scalar's text, or nil for mappings and sequences.
  var scalarText: String? { if case .scalar(let scalar) = self { return scalar.string } else { return nil } }

  /// True for `~`, `null` or an empty value.
  var isNull: Bool {
    guard case .scalar(let scalar) = self, scalar.style == .plain else { return false }
    return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
  }

  /// The pairs of a mapping in written order, keys as text.
  var orderedPairs: [(key: String, keyNode: Node, value: Node)]? {
    guard case .mapping(let mapping) = self else { return nil }
    return mapping.map { (key: $0.key.scalarText ?? "\($0.key)", keyNode: $0.key, value: $0.value) }
  }

  /// A setting value by YAML's scalar rules; quoted scalars stay strings.
  func stepValue(in source: YAMLText, key: String) throws -> StepValue {
    switch self {
    case .scalar(let scalar):
      if scalar.style == .singleQuoted || scalar.style == .doubleQuoted { return .string(scalar.string) }
      if let value = Int(scalar.string) { return .int(value) }
      if let value = bool { return .bool(value) }
      if let value = float, scalar.string.rangeOfCharacter(from: .decimalDigits) != nil { return .double(value) }
      return .string(scalar.string)
    case .sequence(let sequence):
      return .list(try sequence.map { try $0.stepValue(in: source, key: key) })
    case .mapping:
      var values: [String: StepValue] = [:]
      for pair in orderedPairs ?? [] {
        guard values[pair.key] == nil else {
          throw NotebookError("setting '\(key)' has '\(pair.key)' twice", at: source.location(of: pair.keyNode))
        }
        values[pair.key] = try pair.value.stepValue(in: source, key: "\(key).\(pair.key)")
      }
      return .mapping(values)
    case .alias:
      throw NotebookError("setting '\(key)' must be a value, a list or a mapping, not an alias", at: source.location(of: self))
    }
  }
}
