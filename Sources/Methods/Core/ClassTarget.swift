import Engine

/// Which class to explain: the top-scoring one, an index, or a label. Decodes from an integer or a
/// string ("top1", "281", "tabby").
public enum ClassTarget: Decodable, Sendable, Equatable, CustomStringConvertible {
  case top1
  case index(Int)
  case label(String)

  public init(from decoder: Decoder) throws {
    let container = try decoder.singleValueContainer()
    if let index = try? container.decode(Int.self) {
      self = .index(index)
    } else {
      self = ClassTarget.parse(try container.decode(String.self))
    }
  }

  /// "top1" (or "top-1"), an integer, or a label.
  public static func parse(_ text: String) -> ClassTarget {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    if ["top1", "top-1", "top"].contains(trimmed.lowercased()) { return .top1 }
    if let index = Int(trimmed) { return .index(index) }
    return .label(trimmed)
  }

  public var description: String {
    switch self {
    case .top1: return "top1"
    case .index(let index): return String(index)
    case .label(let label): return label
    }
  }

  /// The class index for one image's score row (`scores` [K]).
  public func resolve(scores: [Float], classNames: [String]?) throws -> Int {
    switch self {
    case .top1:
      guard !scores.isEmpty else { throw MethodError("the model produced no class scores") }
      var best = 0
      for index in scores.indices where scores[index] > scores[best] { best = index }
      return best
    case .index(let index):
      guard index >= 0 && index < scores.count else {
        throw MethodError("class index \(index) is out of range: the model has \(scores.count) classes (0..<\(scores.count))")
      }
      return index
    case .label(let label):
      guard let classNames else {
        throw MethodError("target '\(label)' is a label, but the model has no class names; give a class index")
      }
      let lowered = label.lowercased()
      if let index = classNames.firstIndex(where: { $0.lowercased() == lowered }), index < scores.count { return index }
      let suggestions = closestNames(to: label, in: classNames, count: 3)
      throw MethodError("no class named '\(label)'; closest: \(suggestions.map { "'\($0)'" }.joined(separator: ", "))")
    }
  }
}

/// The class a map explains, with the model's score for it.
public struct ClassInfo: Sendable, Equatable, Codable {
  public var index: Int
  public var label: String
  /// Softmax probability over the score row.
  public var probability: Float
  /// The pre-softmax score y^c.
  public var logit: Float
  public init(index: Int, label: String, probability: Float, logit: Float) {
    self.index = index
    self.label = label
    self.probability = probability
    self.logit = logit
  }
}
