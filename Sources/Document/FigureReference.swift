/// Cross-references from prose to figures: a step labelled `label: fig-gradcam` gives its figure
/// that label, and `@fig-gradcam` in the prose becomes "Figure 12" ("그림 12"), a link to it. The
/// notebook parser checks every reference against the labels before anything runs; both backends
/// rewrite them through the paged/HTML Markdown pass. The one definition of their syntax.
public enum FigureReference {
  /// Labels start with this prefix.
  public static let prefix = "fig-"

  /// `fig-` followed by ASCII letters, digits, `-` or `_`, not ending in `-` or `_`.
  public static func isValidLabel(_ label: String) -> Bool {
    guard label.hasPrefix(prefix), label.count > prefix.count, let last = label.last, last != "-", last != "_" else { return false }
    return label.unicodeScalars.allSatisfy(isLabelScalar)
  }

  /// A reference found in a text: the label and where `@label` sits, in characters (not bytes).
  public struct Match: Sendable, Equatable {
    public var label: String
    /// Offset of the `@` in characters from the start of the text.
    public var offset: Int
    /// Characters of `@label`.
    public var length: Int
  }

  /// Every `@fig-…` in `text` not preceded by a letter or digit (so `name@fig-x.org` stays text);
  /// a trailing `-` or `_` is not part of the label ("@fig-a-" refers to fig-a).
  public static func find(in text: String) -> [Match] {
    let characters = Array(text)
    var matches: [Match] = []
    var index = 0
    while index < characters.count {
      defer { index += 1 }
      guard characters[index] == "@" else { continue }
      if index > 0, characters[index - 1].isLetter || characters[index - 1].isNumber { continue }
      var end = index + 1
      while end < characters.count, characters[end].unicodeScalars.count == 1,
            let scalar = characters[end].unicodeScalars.first, isLabelScalar(scalar) {
        end += 1
      }
      while end > index + 1, characters[end - 1] == "-" || characters[end - 1] == "_" { end -= 1 }
      let label = String(characters[(index + 1)..<end])
      guard isValidLabel(label) else { continue }
      matches.append(Match(label: label, offset: index, length: end - index))
      index = end - 1
    }
    return matches
  }

  private static func isLabelScalar(_ scalar: Unicode.Scalar) -> Bool {
    scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_")
  }
}
