// Files a render is writing but has not yet renamed into place. When `convlens render` is
// interrupted (SIGINT, SIGTERM) its handler removes them before exiting, so an interrupted render
// leaves the previous report as it was and no temporary files behind. Every write and every batch
// of renames holds the lock, so the handler never runs between creating a file and registering it,
// nor between the renames of one report (the PDF, HTML and manifest change together or not at all).
import Foundation

public final class InFlightFiles: @unchecked Sendable {
  public static let shared = InFlightFiles()
  private let lock = NSLock()
  private var paths: Set<String> = []

  /// Registers `url` and runs `body` (which creates it) under the lock.
  func creating<T>(_ url: URL, _ body: () throws -> T) rethrows -> T {
    lock.lock()
    defer { lock.unlock() }
    paths.insert(url.path)
    return try body()
  }

  /// Runs `body` (renames or removals of registered files) and forgets `urls`, under the lock.
  func finishing<T>(_ urls: [URL], _ body: () throws -> T) rethrows -> T {
    lock.lock()
    defer {
      for url in urls { paths.remove(url.path) }
      lock.unlock()
    }
    return try body()
  }

  /// Writes `data` to `url` through a registered temporary file beside it and a rename.
  func writeAtomically(_ data: Data, to url: URL) throws {
    let temporary = url.deletingLastPathComponent()
      .appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
    try finishing([temporary]) {
      paths.insert(temporary.path)
      do {
        try data.write(to: temporary)
        guard rename(temporary.path, url.path) == 0 else {
          throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
      } catch {
        try? FileManager.default.removeItem(at: temporary)
        throw error
      }
    }
  }

  /// For a signal handler right before it exits: removes every registered file or folder and keeps
  /// the lock, so no other thread creates or renames anything afterwards.
  public func removeAllBeforeExit() {
    lock.lock()
    for path in paths { try? FileManager.default.removeItem(atPath: path) }
    paths.removeAll()
  }
}
