import Engine

/// Reads a method's settings from any decoder: each key has a default, and keys the method does not
/// know are rejected with the closest known name ("unknown setting 'stepz' for smoothgrad; did you
/// mean 'steps'?"), so a typo never silently falls back to a default.
public struct SettingsReader {
  struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { return nil }
  }

  private let container: KeyedDecodingContainer<AnyKey>?
  private let method: String

  /// `known`: every setting name the method accepts (its `settingNames`).
  public init(_ decoder: Decoder, method: String, known: [String]) throws {
    self.method = method
    if let keyed = try? decoder.container(keyedBy: AnyKey.self) {
      for key in keyed.allKeys where !known.contains(key.stringValue) {
        let suggestion = closestNames(to: key.stringValue, in: known, count: 1).first
        let hint = suggestion.map { "; did you mean '\($0)'?" } ?? " (it has no settings)"
        throw MethodError("unknown setting '\(key.stringValue)' for \(method)\(hint)")
      }
      container = keyed
    } else {
      // No settings at all (YAML `settings:` left empty): every default applies.
      let single = try decoder.singleValueContainer()
      guard single.decodeNil() else { throw MethodError("the settings for \(method) must be key: value pairs") }
      container = nil
    }
  }

  /// The value of `key`, or `fallback` when absent.
  public func value<T: Decodable>(_ key: String, default fallback: T) throws -> T {
    guard let container else { return fallback }
    do {
      return try container.decodeIfPresent(T.self, forKey: AnyKey(key)) ?? fallback
    } catch DecodingError.typeMismatch, DecodingError.dataCorrupted {
      throw MethodError("setting '\(key)' for \(method) must be \(SettingsReader.kindName(T.self)), as in the default '\(fallback)'")
    }
  }

  static func kindName<T>(_ type: T.Type) -> String {
    switch type {
    case is Int.Type: return "an integer"
    case is Float.Type, is Double.Type: return "a number"
    case is Bool.Type: return "true or false"
    default: return "a \(String(describing: type))"
    }
  }
}
