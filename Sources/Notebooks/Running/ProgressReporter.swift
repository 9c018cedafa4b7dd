// Progress lines on stderr ("[3/9] grad-cam (notebook.md:42) 1.4s"), only for a person watching:
// silent when stderr is not a terminal (CI logs, pipes) or with -q.
import Foundation

public struct ProgressReporter: Sendable {
  public let enabled: Bool
  private let quiet: Bool
  private let start: Date

  /// `quiet` (-q) silences it; otherwise it speaks when stderr is a terminal.
  public init(quiet: Bool) {
    enabled = !quiet && isatty(FileHandle.standardError.fileDescriptor) != 0
    self.quiet = quiet
    start = Date()
  }

  public static let silent = ProgressReporter(enabled: false)

  private init(enabled: Bool) {
    self.enabled = enabled
    quiet = !enabled
    start = Date()
  }

  var elapsed: String { String(format: "%.1fs", Date().timeIntervalSince(start)) }

  func step(_ index: Int, of total: Int, _ text: String) {
    write("[\(index)/\(total)] \(text)  (\(elapsed))")
  }

  /// A method's own progress within a step (occluded batches, targets), on one rewritten line.
  func detail(_ name: String, done: Int, total: Int) {
    guard enabled, total > 0 else { return }
    FileHandle.standardError.write(Data("\r    \(name) \(done)/\(total)  (\(elapsed))\u{1B}[K".utf8))
    if done >= total { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
  }

  /// A warning is not progress: it goes to stderr whether or not a person is watching (only -q
  /// silences it), and the run manifest keeps it too.
  func warn(_ line: String) {
    guard !quiet else { return }
    FileHandle.standardError.write(Data(("warning: " + line + "\n").utf8))
  }

  func write(_ line: String) {
    guard enabled else { return }
    FileHandle.standardError.write(Data((line + "\n").utf8))
  }
}
