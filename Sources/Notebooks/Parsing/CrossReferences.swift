// `@fig-…` references in prose checked against the steps' `label:`s when the notebook is read,
// before anything runs: an unknown or doubled label is a notebook error at its file:line:column.
// The rendering backends turn the known ones into "그림 12" links (Document.FigureReference).
import Document

enum CrossReferences {
  /// Prose as written: its text and the file line it starts on (1-based).
  struct Prose {
    var text: String
    var firstLine: Int
  }

  /// Checks labels (each used once) and every reference in `prose`; `lines` are the file's lines.
  static func check(steps: [Step], prose: [Prose], lines: [String], file: String) throws {
    var labels: [String: SourceLocation] = [:]
    for step in steps {
      guard let label = step.label else { continue }
      let location = step.keyLocations["label"] ?? step.location
      if let first = labels[label] {
        throw NotebookError("label '\(label)' is already used by the step at \(first.fileAndLine); labels name one figure each", at: location)
      }
      labels[label] = location
    }
    for piece in prose {
      var cursor = (line: piece.firstLine - 1, column: 0)  // 0-based search position in `lines`
      for match in references(in: piece.text) {
        let found = locate("@" + match.label, in: lines, from: cursor)
        cursor = (found.line, found.column + match.length)
        guard labels[match.label] == nil else { continue }
        let hint = Suggestions.hint(for: match.label, in: labels.keys.sorted(), listing: false)
        throw NotebookError("no step is labelled '\(match.label)'\(hint) (give a step `label: \(match.label)`)",
                            at: SourceLocation(file: file, line: found.line + 1, column: found.column + 1))
      }
    }
  }

  /// The references in Markdown text outside code (fenced blocks and `code spans`), in order.
  static func references(in text: String) -> [FigureReference.Match] {
    var matches: [FigureReference.Match] = []
    var fence: String?
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let trimmed = line.drop { $0 == " " }
      if let open = fence {
        if trimmed.hasPrefix(open) { fence = nil }
        continue
      }
      if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
        fence = String(trimmed.prefix(3))
        continue
      }
      matches += FigureReference.find(in: withoutCodeSpans(String(line)))
    }
    return matches
  }

  /// The line with every character of a backtick code span replaced by a space (same offsets).
  private static func withoutCodeSpans(_ line: String) -> String {
    var out = ""
    var inCode = false
    for character in line {
      if character == "`" { inCode.toggle(); out.append(" "); continue }
      out.append(inCode ? " " : character)
    }
    return out
  }

  /// Where `token` next occurs in `lines` at or after `start` (0-based line and character column);
  /// `start` itself when it cannot be found (the reference came from a folded YAML scalar).
  private static func locate(_ token: String, in lines: [String], from start: (line: Int, column: Int)) -> (line: Int, column: Int) {
    var line = max(0, start.line)
    var column = start.column
    while line < lines.count {
      let characters = Array(lines[line])
      let tokenCharacters = Array(token)
      var index = column
      while index + tokenCharacters.count <= characters.count {
        if Array(characters[index..<(index + tokenCharacters.count)]) == tokenCharacters { return (line, index) }
        index += 1
      }
      line += 1
      column = 0
    }
    return (max(0, start.line), start.column)
  }
}
