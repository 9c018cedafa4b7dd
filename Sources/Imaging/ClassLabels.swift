import Foundation

/// Class names in model output order, one per line of a text file (index = line number − 1).
public struct ClassLabels: Sendable, Equatable {
  public let names: [String]

  public init(names: [String]) {
    self.names = names
  }

  public static func load(contentsOf url: URL) throws -> ClassLabels {
    let name = FileReading.displayName(url)
    let data: Data
    do {
      data = try FileReading.contents(of: url)
    } catch {
      throw ClassLabelsError(file: name, message: error.reason)
    }
    return try parse(data: data, name: name)
  }

  /// One label per line (LF or CRLF); surrounding spaces are trimmed, trailing blank lines are
  /// ignored, a blank line before the last label is an error (it would shift every later index).
  public static func parse(data: Data, name: String) throws -> ClassLabels {
    guard let text = String(data: data, encoding: .utf8) else {
      throw ClassLabelsError(file: name, message: "not UTF-8 text (expected one class name per line)")
    }
    // "\r\n" is one Character in Swift, so normalise it before splitting on "\n".
    var lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
      .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    while let last = lines.last, last.isEmpty { lines.removeLast() }
    guard !lines.isEmpty else {
      throw ClassLabelsError(file: name, message: "no labels (expected one class name per line)")
    }
    if let blank = lines.firstIndex(where: \.isEmpty) {
      throw ClassLabelsError(file: name, message: "line \(blank + 1) is blank (expected one class name per line)")
    }
    return ClassLabels(names: lines)
  }

  public var count: Int { names.count }

  /// The index of `label`, compared case-insensitively; nil if absent.
  public func index(of label: String) -> Int? {
    names.firstIndex { $0.caseInsensitiveCompare(label) == .orderedSame }
  }

  /// The `count` names nearest to `query` by edit distance (case-insensitive), nearest first, for
  /// "did you mean" suggestions.
  public func closest(to query: String, count: Int) -> [String] {
    EditDistance.closest(to: query, among: names, count: count)
  }
}

/// A labels file that cannot be used; `description` is one line: `<file>: <problem>`.
public struct ClassLabelsError: Error, CustomStringConvertible, Equatable {
  public let file: String
  public let message: String
  public var description: String { "\(file): \(message)" }
}
