import Engine
import Methods

/// A seeded, class-balanced subset: each class's items are shuffled (Fisher-Yates with the
/// SplitMix64 generator), then classes give one item each in turn until `limit` are taken, so a
/// limit of 1000 over 10 classes takes 100 of each (fewer where a class runs out). The chosen
/// indices are returned in file order.
public enum BalancedSample {
  public static func indices(labels: [Int?], limit: Int?, seed: UInt64) -> [Int] {
    guard let limit, limit < labels.count else { return Array(labels.indices) }
    var groups: [Int?: [Int]] = [:]
    for (index, label) in labels.enumerated() { groups[label, default: []].append(index) }
    var random = SeededRandom(seed: seed)
    // nil (unlabelled) sorts first; the order of classes is fixed, so the draw repeats exactly.
    let keys = groups.keys.sorted { ($0 ?? -1) < ($1 ?? -1) }
    var queues = keys.map { key -> [Int] in
      var members = groups[key] ?? []
      for position in stride(from: members.count - 1, to: 0, by: -1) {
        let other = Int(random.uniform() * Double(position + 1))
        members.swapAt(position, min(other, position))
      }
      return members
    }
    var chosen: [Int] = []
    var round = 0
    while chosen.count < limit {
      var tookAny = false
      for queue in queues.indices where round < queues[queue].count && chosen.count < limit {
        chosen.append(queues[queue][round])
        tookAny = true
      }
      if !tookAny { break }
      round += 1
    }
    queues.removeAll()
    return chosen.sorted()
  }
}
