/// Levenshtein distance (insertions, deletions, substitutions each cost 1), case-insensitive,
/// over Characters; used to suggest the closest label, preset or bundled model name for a typo.
public enum EditDistance {
  public static func distance(_ first: String, _ second: String) -> Int {
    let a = Array(first.lowercased())
    let b = Array(second.lowercased())
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    // previous[j] = distance(a[0..<i-1], b[0..<j]); one row at a time.
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
        current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }

  /// The `count` candidates nearest to `query`, nearest first; ties keep the candidates' order.
  public static func closest(to query: String, among candidates: [String], count: Int) -> [String] {
    guard count > 0 else { return [] }
    let ranked = candidates.enumerated()
      .map { (index: $0.offset, name: $0.element, distance: distance(query, $0.element)) }
      .sorted { ($0.distance, $0.index) < ($1.distance, $1.index) }
    return ranked.prefix(count).map(\.name)
  }
}
