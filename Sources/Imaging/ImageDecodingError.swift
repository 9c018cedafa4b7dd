/// Why a picture could not be read. `description` is one line: `<file>: <problem>`.
public struct ImageDecodingError: Error, CustomStringConvertible, Equatable {
  public enum Kind: Sendable, Equatable {
    /// The file is missing or unreadable.
    case unreadable
    /// Neither PNG nor JPEG (by content, whatever the extension says).
    case unsupportedFormat
    /// PNG signature present but the data is corrupt or truncated.
    case invalidPNG
    /// JPEG start marker present but the data is corrupt, truncated or of an unsupported kind.
    case invalidJPEG
    /// The header declares a size over the `ImageLimits`.
    case tooLarge
  }

  public let file: String
  public let kind: Kind
  /// What is wrong, one phrase without the file name.
  public let message: String

  public init(file: String, kind: Kind, message: String) {
    self.file = file
    self.kind = kind
    self.message = message
  }

  public var description: String { "\(file): \(message)" }
}
