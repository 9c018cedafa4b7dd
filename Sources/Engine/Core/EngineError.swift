/// Errors raised by the engine. Each reads as one line a user can act on.
public struct EngineError: Error, CustomStringConvertible, Sendable {
  public let description: String
  public init(_ description: String) { self.description = description }

  static func shape(_ node: String, _ op: String, _ message: String) -> EngineError {
    EngineError("node '\(node)' (\(op)): \(message)")
  }
}

/// Edit distance, for "did you mean" suggestions on tensor and node names.
public func editDistance(_ a: String, _ b: String) -> Int {
  let a = Array(a.lowercased()), b = Array(b.lowercased())
  if a.isEmpty { return b.count }
  if b.isEmpty { return a.count }
  var previous = Array(0...b.count)
  var current = [Int](repeating: 0, count: b.count + 1)
  for i in 1...a.count {
    current[0] = i
    for j in 1...b.count {
      let cost = a[i - 1] == b[j - 1] ? 0 : 1
      current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
    }
    swap(&previous, &current)
  }
  return previous[b.count]
}

/// The `count` candidates closest to `name`: substring matches first, then by edit distance.
public func closestNames(to name: String, in candidates: [String], count: Int = 3) -> [String] {
  let lowered = name.lowercased()
  let scored = candidates.map { candidate -> (String, Int) in
    let containment = candidate.lowercased().contains(lowered) && !lowered.isEmpty ? -1000 + candidate.count : 0
    return (candidate, containment != 0 ? containment : editDistance(name, candidate))
  }
  return scored.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }.prefix(count).map(\.0)
}
