/// The header dict of a `.npy` file, e.g. `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 224, 224), }`,
/// parsed with a small reader of the Python literals NumPy writes there (strings, True/False,
/// integers, tuples, one dict).
struct NPYHeader: Equatable {
  let descr: String
  let fortranOrder: Bool
  let shape: [Int]

  static func parse(_ text: String) throws(NPYHeaderProblem) -> NPYHeader {
    var reader = LiteralReader(text)
    let value = try reader.readValue()
    reader.skipSpace()
    guard reader.atEnd else { throw NPYHeaderProblem("unexpected text after the dict") }
    guard case .dict(let entries) = value else { throw NPYHeaderProblem("expected a dict") }
    guard case .string(let descr)? = entries["descr"] else { throw NPYHeaderProblem("no 'descr' string") }
    guard case .bool(let fortranOrder)? = entries["fortran_order"] else {
      throw NPYHeaderProblem("no 'fortran_order' True/False")
    }
    guard case .tuple(let items)? = entries["shape"] else { throw NPYHeaderProblem("no 'shape' tuple") }
    var shape: [Int] = []
    for item in items {
      guard case .integer(let dimension) = item, dimension >= 0 else {
        throw NPYHeaderProblem("'shape' must hold non-negative integers")
      }
      shape.append(dimension)
    }
    return NPYHeader(descr: descr, fortranOrder: fortranOrder, shape: shape)
  }

  /// A readable name for a NumPy dtype string such as '<f8' or '>f4', for error messages.
  static func describe(dtype: String) -> String {
    let characters = Array(dtype)
    guard characters.count >= 2 else { return "unknown dtype" }
    let hasOrder = "<>|=".contains(characters[0])
    let order: String = switch characters[0] {
    case ">": " big-endian"
    default: ""
    }
    let code = String(characters.dropFirst(hasOrder ? 1 : 0))
    let kind = code.first
    // Bits only for a plausible item size: the header is untrusted, and a written size such as
    // "-2226222222222222228" would overflow when multiplied by 8.
    let bits = Int(code.dropFirst()).flatMap { (1...64).contains($0) ? String($0 * 8) : nil } ?? ""
    let base: String = switch kind {
    case "f": "float\(bits)"
    case "i": "int\(bits)"
    case "u": "uint\(bits)"
    case "b": "bool"
    case "c": "complex\(bits)"
    case "U": "unicode string"
    case "S", "a": "byte string"
    case "O": "Python object"
    case "V": "structured / void"
    case "M": "datetime"
    case "m": "timedelta"
    default: "unknown dtype"
    }
    return base + order
  }
}

struct NPYHeaderProblem: Error {
  let reason: String
  init(_ reason: String) { self.reason = reason }
}

/// Python literal values that may appear in a `.npy` header.
private indirect enum Literal: Equatable {
  case string(String)
  case bool(Bool)
  case integer(Int)
  case tuple([Literal])
  case dict([String: Literal])
  case none
}

private struct LiteralReader {
  /// NumPy writes a dict holding one tuple; deeper nesting is refused before it can exhaust the stack
  /// (tuples and dicts are read recursively, and a header may be megabytes of "(").
  static let maxDepth = 16

  let characters: [Character]
  var position = 0
  var depth = 0

  init(_ text: String) { characters = Array(text) }

  var atEnd: Bool { position >= characters.count }

  mutating func skipSpace() {
    while position < characters.count, characters[position].isWhitespace { position += 1 }
  }

  mutating func expect(_ character: Character) throws(NPYHeaderProblem) {
    skipSpace()
    guard position < characters.count, characters[position] == character else {
      throw NPYHeaderProblem("expected '\(character)' at character \(position)")
    }
    position += 1
  }

  /// Consumes `character` (after spaces) if it is next.
  mutating func take(_ character: Character) -> Bool {
    skipSpace()
    guard position < characters.count, characters[position] == character else { return false }
    position += 1
    return true
  }

  mutating func readValue() throws(NPYHeaderProblem) -> Literal {
    skipSpace()
    guard position < characters.count else { throw NPYHeaderProblem("unexpected end of header") }
    let character = characters[position]
    if character == "'" || character == "\"" { return .string(try readString()) }
    if character == "{" { return try readDict() }
    if character == "(" || character == "[" { return try readSequence() }
    if character.isNumber || character == "-" { return .integer(try readInteger()) }
    let word = readWord()
    switch word {
    case "True": return .bool(true)
    case "False": return .bool(false)
    case "None": return .none
    default: throw NPYHeaderProblem("unexpected '\(word.isEmpty ? String(character) : word)' at character \(position)")
    }
  }

  private mutating func readWord() -> String {
    let start = position
    while position < characters.count, characters[position].isLetter { position += 1 }
    return String(characters[start..<position])
  }

  private mutating func readString() throws(NPYHeaderProblem) -> String {
    let quote = characters[position]
    position += 1
    let start = position
    while position < characters.count, characters[position] != quote { position += 1 }
    guard position < characters.count else { throw NPYHeaderProblem("unterminated string") }
    defer { position += 1 }
    return String(characters[start..<position])
  }

  private mutating func readInteger() throws(NPYHeaderProblem) -> Int {
    let start = position
    if characters[position] == "-" { position += 1 }
    while position < characters.count, characters[position].isASCII, characters[position].isNumber { position += 1 }
    // NumPy writes Python ints; some writers add an 'L' suffix (Python 2).
    let digits = String(characters[start..<position])
    if position < characters.count, characters[position] == "L" { position += 1 }
    guard let value = Int(digits) else { throw NPYHeaderProblem("bad integer '\(digits)'") }
    return value
  }

  private mutating func enter() throws(NPYHeaderProblem) {
    depth += 1
    guard depth <= Self.maxDepth else { throw NPYHeaderProblem("values nested deeper than \(Self.maxDepth) levels") }
  }

  private mutating func readSequence() throws(NPYHeaderProblem) -> Literal {
    try enter()
    defer { depth -= 1 }
    let close: Character = characters[position] == "(" ? ")" : "]"
    position += 1
    var items: [Literal] = []
    while !take(close) {
      items.append(try readValue())
      if !take(",") {
        try expect(close)
        break
      }
    }
    return .tuple(items)
  }

  private mutating func readDict() throws(NPYHeaderProblem) -> Literal {
    try enter()
    defer { depth -= 1 }
    position += 1
    var entries: [String: Literal] = [:]
    while !take("}") {
      guard case .string(let key) = try readValue() else { throw NPYHeaderProblem("dict keys must be strings") }
      try expect(":")
      entries[key] = try readValue()
      if !take(",") {
        try expect("}")
        break
      }
    }
    return .dict(entries)
  }
}
