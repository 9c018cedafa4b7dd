import Foundation

/// Runs the built `convlens` executable and captures its exit code and output, so CLI tests are
/// transcripts of what a user would see.
struct CLIResult {
  let status: Int32
  /// False when a signal ended the process (a crash), so `status` is the signal number.
  var exitedNormally = true
  let stdout: String
  let stderr: String
}

enum CLI {
  /// The repository root (this file is Tests/CLITests/CLIRunner.swift).
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// The `convlens` binary built with the tests: beside the test bundle, else in .build.
  static var executable: URL? {
    var candidates: [URL] = []
    if let first = CommandLine.arguments.first {
      var folder = URL(fileURLWithPath: first).deletingLastPathComponent()
      for _ in 0..<4 {
        candidates.append(folder.appendingPathComponent("convlens"))
        folder = folder.deletingLastPathComponent()
      }
    }
    for configuration in ["release", "debug"] {
      candidates.append(root.appendingPathComponent(".build/\(configuration)/convlens"))
    }
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
  }

  static func fixture(_ name: String) -> String {
    root.appendingPathComponent("Tests/CLITests/Fixtures/\(name)").path
  }

  /// Runs `convlens` with `arguments` in `directory`; `environment` adds to the inherited one.
  static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> CLIResult {
    guard let executable else { throw CLITestError("convlens executable not found; build it first") }
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = directory ?? root
    if !environment.isEmpty {
      process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CLIResult(status: process.terminationStatus, exitedNormally: process.terminationReason == .exit,
                     stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
  }

  /// A fresh temporary folder.
  static func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("convlens-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}

struct CLITestError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
