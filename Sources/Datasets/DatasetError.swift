/// A dataset that cannot be read, as one line naming the file or folder and what is wrong.
public struct DatasetError: Error, CustomStringConvertible, Sendable, Equatable {
  public let description: String
  public init(_ description: String) { self.description = description }
}
