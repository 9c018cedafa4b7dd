import Imaging

/// "Did you mean" hints for misspelt keys and names.
enum Suggestions {
  /// Levenshtein distance, case-insensitive: Imaging's, which also ranks label and preset names.
  static func distance(_ first: String, _ second: String) -> Int { EditDistance.distance(first, second) }

  /// The candidates nearest to `query` (nearest first, ties in candidate order), at most `count`,
  /// keeping only those within half the query's length so nonsense gets no suggestion.
  static func closest(to query: String, in candidates: [String], count: Int = 3) -> [String] {
    let limit = max(2, query.count / 2 + 1)
    return candidates.enumerated()
      .map { (index: $0.offset, name: $0.element, distance: distance(query, $0.element)) }
      .filter { $0.distance <= limit }
      .sorted { ($0.distance, $0.index) < ($1.distance, $1.index) }
      .prefix(count).map(\.name)
  }

  /// "; did you mean 'a' or 'b'?" or "; known: a, b, c" when nothing is close.
  static func hint(for query: String, in candidates: [String], listing: Bool = true) -> String {
    let close = closest(to: query, in: candidates)
    if !close.isEmpty {
      return "; did you mean " + close.map { "'\($0)'" }.joined(separator: " or ") + "?"
    }
    return listing && !candidates.isEmpty ? "; known: " + candidates.joined(separator: ", ") : ""
  }
}
