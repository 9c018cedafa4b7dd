import Foundation

/// A mutual-exclusion lock around Foundation's NSLock.
final class Lock: @unchecked Sendable {
  private let base = NSLock()
  func lock() { base.lock() }
  func unlock() { base.unlock() }
  func withLock<T>(_ body: () throws -> T) rethrows -> T {
    base.lock()
    defer { base.unlock() }
    return try body()
  }
}
