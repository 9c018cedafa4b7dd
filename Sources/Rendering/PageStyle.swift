// Page geometry, fonts and colours of the paged (PDF/PNG) report, in points.
import Document

enum PageStyle {
  // A4 = 210 x 297 mm = 595.28 x 841.89 pt (1 pt = 1/72 in, 1 in = 25.4 mm).
  static let pageWidth = 595.28
  static let pageHeight = 841.89
  static let marginLeft = 72.0
  static let marginRight = 72.0
  static let marginTop = 76.0
  static let marginBottom = 70.0
  static var contentWidth: Double { pageWidth - marginLeft - marginRight }
  static var contentBottom: Double { pageHeight - marginBottom }
  static var contentHeight: Double { contentBottom - marginTop }
  /// Baseline area of the running header and footer.
  static let headerY = 40.0
  static let footerY = pageHeight - 44.0

  static let bodyFamily = "Noto Sans CJK KR"
  static let monoFamily = "Noto Sans Mono CJK KR"
  static let bodySize = 9.5
  /// Pango's factor times the font's ascent + descent (1.45 em for Noto Sans CJK): about 1.6 em.
  static let bodyLineSpacing = 1.1
  static let codeSize = 8.0
  static let captionSize = 8.0
  static let smallSize = 7.0
  static let tableSize = 8.5

  static func font(_ size: Double, bold: Bool = false, mono: Bool = false) -> String {
    "\(mono ? monoFamily : bodyFamily)\(bold ? " Bold" : "") \(size)"
  }

  static let text = RGB(0x1f, 0x23, 0x28)
  static let muted = RGB(0x5f, 0x66, 0x6d)
  static let faint = RGB(0xc8, 0xcd, 0xd2)
  static let accent = RGB(0x1d, 0x5f, 0xa8)
  static let codeBackground = RGB(0xf4, 0xf6, 0xf8)
  static let quoteBar = RGB(0xd0, 0xd7, 0xde)

  /// Heading font size, space above and below for levels 1...6.
  static func heading(_ level: Int) -> (size: Double, above: Double, below: Double) {
    switch level {
    case 1: return (15, 20, 8)
    case 2: return (12.5, 14, 6)
    case 3: return (10.5, 10, 4)
    default: return (9.5, 8, 3)
    }
  }

  static let paragraphSpacing = 8.0
  static let blockSpacing = 10.0
}

/// Pango markup escaping for text placed between tags or in attribute values, with Korean words
/// kept whole (see `keepingHangulWordsTogether`).
func escapeMarkup(_ text: String) -> String {
  var out = ""
  out.reserveCapacity(text.count)
  for character in keepingHangulWordsTogether(text) {
    switch character {
    case "&": out += "&amp;"
    case "<": out += "&lt;"
    case ">": out += "&gt;"
    case "\"": out += "&quot;"
    case "'": out += "&#39;"
    default: out.append(character)
    }
  }
  return out
}

/// U+2060 WORD JOINER between adjacent Hangul syllables. Pango, following UAX #14, may break a line
/// between any two syllables ("가\n림"); Korean typesetting breaks between words (like CSS
/// `word-break: keep-all`, which the HTML uses). Word-char wrapping still breaks a word longer
/// than a line. The joiner is invisible and draws no glyph.
func keepingHangulWordsTogether(_ text: String) -> String {
  func isHangul(_ scalar: Unicode.Scalar) -> Bool { (0xAC00...0xD7A3).contains(scalar.value) }
  var scalars = String.UnicodeScalarView()
  var previous: Unicode.Scalar?
  for scalar in text.unicodeScalars {
    if let previous, isHangul(previous), isHangul(scalar) { scalars.append("\u{2060}") }
    scalars.append(scalar)
    previous = scalar
  }
  return String(scalars)
}
