/// "Did you mean" hints for misspelt keys and names.
enum Suggestions {
  /// Levenshtein distance (insert, delete, substitute cost 1), case-insensitive.
  static func distance(_ first: String, _ second: String) -> Int {
    let a = Array(first.lowercased()), b = Array(second.lowercased())
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)  // previous[j] = distance(a[..<i-1], b[..<j])
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        current[j] = min(previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1), previous[j] + 1, current[j - 1] + 1)
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }

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
