import Foundation
import Testing
@testable import Notebooks

/// The registry an interrupted render empties: what it removes and what it leaves. (The signal
/// itself is tested end to end in CLITests/InterruptTests; this covers a temporary file that
/// exists at the moment of the interrupt, which a timed signal cannot reliably hit.)
@Suite struct InFlightFilesTests {
  @Test func removesRegisteredFilesAndFoldersButNotFinishedOnes() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("inflight-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let files = InFlightFiles()
    let pending = folder.appendingPathComponent(".report.pdf.tmp-1")
    let staging = folder.appendingPathComponent(".report_files.tmp-1")
    try files.creating(pending) { try Data("half".utf8).write(to: pending) }
    try files.creating(staging) {
      try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
      try Data("png".utf8).write(to: staging.appendingPathComponent("figure-1.png"))
    }
    // A file written atomically is done: it is no longer in flight.
    let finished = folder.appendingPathComponent("cache.json")
    try files.writeAtomically(Data("{}".utf8), to: finished)
    files.removeAllBeforeExit()
    let left = try FileManager.default.contentsOfDirectory(atPath: folder.path)
    #expect(left == ["cache.json"])
  }
}
