import Engine

/// Something whose settings are declared as `Setting` lines over its properties: a visualization
/// method, or the display keys of a figure. `init(settings:)` is the one initialiser every source of
/// settings goes through (a notebook step, `--set key=value`, an evaluation passing keys on): it
/// starts from `init()`, refuses a key no line declares (naming the closest), and lets each line
/// type-check, range-check and store its value.
public protocol Configurable: Sendable {
  /// Whose settings these are, in messages ("setting 'steps' for smoothgrad ..."); "" for none.
  static var settingsOwner: String { get }
  /// Every setting, one line each, in the order they are applied and listed by `convlens methods`.
  static var settings: [Setting<Self>] { get }
  /// The defaults.
  init()
}

extension Configurable {
  /// The defaults with `values` applied in the order the settings are declared.
  public init(settings values: [String: SettingValue]) throws {
    self.init()
    let keys = Self.settings.map(\.key)
    for key in values.keys.sorted() where !keys.contains(key) {
      throw MethodError(Self.unknownSetting(key, known: keys))
    }
    for setting in Self.settings {
      if let value = values[setting.key] { try setting.apply(&self, value) }
    }
  }

  /// Sets one setting from `value`, checked as `init(settings:)` checks it.
  public mutating func set(_ key: String, to value: SettingValue) throws {
    guard let setting = Self.settings.first(where: { $0.key == key }) else {
      throw MethodError(Self.unknownSetting(key, known: Self.settings.map(\.key)))
    }
    try setting.apply(&self, value)
  }

  /// "unknown setting 'stepz' for smoothgrad; did you mean 'steps'?"
  static func unknownSetting(_ key: String, known: [String]) -> String {
    let owner = settingsOwner.isEmpty ? "" : " for \(settingsOwner)"
    let hint = closestNames(to: key, in: known, count: 1).first.map { "; did you mean '\($0)'?" } ?? " (it has no settings)"
    return "unknown setting '\(key)'\(owner)\(hint)"
  }
}

/// One setting: its key, the property it sets (a key path), its help text, and optionally the range
/// its value must lie in. `Setting("layer", \.layer, "target layer: auto or a tensor name")`.
public struct Setting<Root: Configurable>: @unchecked Sendable {  // key paths and closures are immutable
  public let key: String
  public let help: String
  /// The default as help and messages print it ("16", "auto"); nil when there is none to print.
  public let defaultText: String?
  let apply: (inout Root, SettingValue) throws -> Void

  /// A setting of any `SettingConvertible` property; `default` overrides how the default reads in help
  /// ("the preset's" where it depends on another setting).
  public init<Value: SettingConvertible>(_ key: String, _ path: WritableKeyPath<Root, Value>, _ help: String,
                                         default shown: String? = nil, _ bound: Bound<Value>? = nil) {
    let defaultText = shown ?? Root()[keyPath: path].settingText
    self.key = key
    self.help = help
    self.defaultText = defaultText
    apply = { root, value in
      root[keyPath: path] = try Self.converted(value, key: key, kind: Value.settingKind, default: defaultText, bound: bound)
    }
  }

  /// A setting of an optional property: nil (the default) is "auto", which the value may also say.
  public init<Value: SettingConvertible>(_ key: String, _ path: WritableKeyPath<Root, Value?>, _ help: String,
                                         default shown: String? = nil, _ bound: Bound<Value>? = nil) {
    let defaultText = shown ?? Root()[keyPath: path]?.settingText
    self.key = key
    self.help = help
    self.defaultText = defaultText
    apply = { root, value in
      if case .string(let text) = value, text.lowercased() == "auto" {
        root[keyPath: path] = nil
      } else {
        root[keyPath: path] = try Self.converted(value, key: key, kind: Value.settingKind + " or auto", default: defaultText, bound: bound)
      }
    }
  }

  /// The help line's text: the meaning, then the default.
  public var helpText: String { defaultText.map { "\(help) (default \($0))" } ?? help }

  /// `value` as a `Value`, or the error that names this setting and what it expects.
  private static func converted<Value: SettingConvertible>(_ value: SettingValue, key: String, kind: String, default shown: String?,
                                                           bound: Bound<Value>?) throws -> Value {
    let owner = Root.settingsOwner
    let prefix = owner.isEmpty ? "" : "\(owner): "
    let converted: Value
    do {
      converted = try Value(setting: value)
    } catch SettingMismatch.kind {
      if let bound, bound.namesKind { throw MethodError("\(prefix)\(key) must be \(bound.expectation), got \(value.text)") }
      let whose = owner.isEmpty ? "" : " for \(owner)"
      throw MethodError("setting '\(key)'\(whose) must be \(kind)" + (shown.map { ", as in the default '\($0)'" } ?? ""))
    } catch SettingMismatch.choice(let given, let choices) {
      throw MethodError("\(prefix)unknown \(key) '\(given)'; choose one of \(choices.joined(separator: ", "))")
    }
    if let bound, !bound.contains(converted) {
      throw MethodError("\(prefix)\(key) must be \(bound.expectation), got \(value.text)")
    }
    return converted
  }
}

/// The values a setting may take, and how a message says it.
public struct Bound<Value: Sendable>: Sendable {
  let contains: @Sendable (Value) -> Bool
  /// What follows "must be": "at least 1", "positive", "a number from 0 to 1 (overlay opacity)".
  let expectation: String
  /// True when `expectation` names the kind of value too, so it also words a value of the wrong kind.
  let namesKind: Bool
}

extension Bound where Value: Comparable & SettingConvertible {
  /// `value` ≥ `low`.
  public static func atLeast(_ low: Value) -> Bound {
    Bound(contains: { $0 >= low }, expectation: "at least \(low.settingText)", namesKind: false)
  }

  /// Within `range`, described as `expectation`, which names the kind ("a number from 0 to 1").
  public static func within(_ range: ClosedRange<Value>, _ expectation: String) -> Bound {
    Bound(contains: { range.contains($0) }, expectation: expectation, namesKind: true)
  }

  /// Within `range`, described as `expectation`, which names the kind.
  public static func within(_ range: Range<Value>, _ expectation: String) -> Bound {
    Bound(contains: { range.contains($0) }, expectation: expectation, namesKind: true)
  }
}

extension Bound where Value: Comparable & Numeric & SettingConvertible {
  /// `value` > 0.
  public static var positive: Bound { Bound(contains: { $0 > 0 }, expectation: "positive", namesKind: false) }
}

/// Why a value does not fit a setting; `Setting` words the message with the key and the owner.
public enum SettingMismatch: Error {
  /// Not this kind of value (a word where a number was wanted, ...).
  case kind
  /// Not one of the named choices: (what was given, the choices).
  case choice(String, [String])
}

/// A type a setting can hold: made from what was typed or written in YAML.
public protocol SettingConvertible: Sendable {
  /// The value `value` stands for; throws `SettingMismatch` when it does not fit (or a `MethodError`
  /// that says why in full).
  init(setting value: SettingValue) throws
  /// What a value must be, for messages: "an integer", "a number", "true or false".
  static var settingKind: String { get }
  /// The value as help and messages print it.
  var settingText: String { get }
}

extension SettingConvertible where Self: LosslessStringConvertible {
  public var settingText: String { String(self) }
}

extension Int: SettingConvertible {
  public static var settingKind: String { "an integer" }
  public init(setting value: SettingValue) throws {
    guard case .int(let int) = value else { throw SettingMismatch.kind }
    self = int
  }
}

/// Float and Double settings: any number, an integer too.
extension SettingConvertible where Self: BinaryFloatingPoint & LosslessStringConvertible {
  public init(setting value: SettingValue) throws {
    switch value {
    case .int(let int): self = Self(int)
    case .double(let double): self = Self(double)
    case .bool, .string, .list, .mapping: throw SettingMismatch.kind
    }
  }
  public static var settingKind: String { "a number" }
  /// "5", "0.15": whole numbers without a trailing ".0".
  public var settingText: String { rounded() == self && abs(self) < 1e15 ? String(Int(self)) : String(self) }
}

extension Double: SettingConvertible {}
extension Float: SettingConvertible {}

extension Bool: SettingConvertible {
  public init(setting value: SettingValue) throws {
    guard case .bool(let bool) = value else { throw SettingMismatch.kind }
    self = bool
  }
  public static var settingKind: String { "true or false" }
}

/// A setting with named values (`upsample: nearest`): a String-backed enum of its cases. Any
/// capitalisation matches, and `_` for `-` (`riemann_trapezoid`, captum's spelling).
public protocol SettingChoice: SettingConvertible, RawRepresentable, CaseIterable where RawValue == String {}

extension SettingChoice {
  public init(setting value: SettingValue) throws {
    guard let text = value.scalarText else { throw SettingMismatch.kind }
    func normalised(_ name: String) -> String { name.lowercased().replacingOccurrences(of: "_", with: "-") }
    guard let found = Self.allCases.first(where: { $0.rawValue == text })
            ?? Self.allCases.first(where: { normalised($0.rawValue) == normalised(text) }) else {
      throw SettingMismatch.choice(text, Self.allCases.map(\.rawValue))
    }
    self = found
  }
  public static var settingKind: String { "one of " + allCases.map(\.rawValue).joined(separator: ", ") }
  public var settingText: String { rawValue }
}

extension SettingValue {
  /// The value as text (for captions, the manifest and messages).
  public var text: String {
    switch self {
    case .int(let value): return String(value)
    case .double(let value): return String(value)
    case .bool(let value): return String(value)
    case .string(let value): return value
    case .list(let values): return "[" + values.map(\.text).joined(separator: ", ") + "]"
    case .mapping(let values): return "{" + values.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.text)" }.joined(separator: ", ") + "}"
    }
  }

  /// A scalar's text; nil for a list or a mapping.
  var scalarText: String? {
    switch self {
    case .list, .mapping: return nil
    case .int, .double, .bool, .string: return text
    }
  }
}
