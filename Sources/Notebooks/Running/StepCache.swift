// Step results cached by content: the key is the SHA-256 of everything that can change a result
// (tool version, model and labels bytes, preprocessing, image bytes, step name, settings, targets,
// seed, dataset), written as canonical JSON (sorted keys), so a prose or caption edit reuses them.
import Crypto
import Foundation
import Methods

enum ContentHash {
  /// Lower-case hex SHA-256 of `data`.
  static func sha256(_ data: Data) -> String { hex(SHA256.hash(data: data)) }

  /// A digest in lower-case hex.
  static func hex(_ digest: SHA256Digest) -> String { digest.map { String(format: "%02x", $0) }.joined() }

  /// SHA-256 of a file's bytes.
  static func sha256(file url: URL) throws -> String {
    sha256(try Data(contentsOf: url, options: .mappedIfSafe))
  }

  /// The running executable's SHA-256 (16 hex digits), read once. Methods, captions and numerics
  /// change between builds while the version string stays, so a cache entry made by one build must
  /// never be served by another: every key holds this.
  static let executable: String = {
    guard let hash = try? sha256(file: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()) else { return "unknown" }
    return String(hash.prefix(16))
  }()
}

/// Everything a step result depends on.
struct CacheKeyMaterial: Encodable {
  /// The tool version, the executable's hash and the cache's format (`StepCache.format`): another build
  /// or a new format misses every old entry.
  var toolVersion: String
  var modelSHA256: String
  var labelsSHA256: String?
  var preprocess: String
  var step: String
  var settings: [String: StepValue]
  var imageSHA256: [String]
  var targets: [String]
  var seed: UInt64
  var dataset: String?

  init(toolVersion: String, modelSHA256: String, labelsSHA256: String?, preprocess: String, step: String,
       settings: [String: StepValue], imageSHA256: [String], targets: [String], seed: UInt64, dataset: String?) {
    self.toolVersion = "\(toolVersion) build \(ContentHash.executable) cache \(StepCache.format)"
    (self.modelSHA256, self.labelsSHA256, self.preprocess, self.step) = (modelSHA256, labelsSHA256, preprocess, step)
    (self.settings, self.imageSHA256, self.targets, self.seed, self.dataset) = (settings, imageSHA256, targets, seed, dataset)
  }

  /// The cache key: SHA-256 of the canonical JSON.
  func key() throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return ContentHash.sha256(try encoder.encode(self))
  }
}

/// `.convlens-cache/` beside the notebook: one JSON file per step result, the `MethodOutput` as it is.
struct StepCache {
  /// The layout of the stored outputs; part of every key. 2: `MethodOutput` itself (1 was a copy of it).
  static let format = 2
  let directory: URL
  let enabled: Bool

  init(notebookDirectory: URL, enabled: Bool) {
    directory = notebookDirectory.appendingPathComponent(".convlens-cache", isDirectory: true)
    self.enabled = enabled
  }

  private func file(_ key: String) -> URL { directory.appendingPathComponent("\(key).json") }

  /// The stored output, or nil when absent, disabled or unreadable (a damaged entry is recomputed).
  func load(_ key: String) -> MethodOutput? {
    guard enabled, let data = try? Data(contentsOf: file(key)) else { return nil }
    return try? JSONDecoder().decode(MethodOutput.self, from: data)
  }

  /// Stores `output` (atomically); failures to write the cache never fail the render.
  func store(_ output: MethodOutput, key: String) {
    guard enabled else { return }
    let fileManager = FileManager.default
    do {
      try fileManager.createDirectory(at: directory, withIntermediateDirectories: true)
      // The cache holds derived data only: keep it out of version control wherever it is created.
      let ignore = directory.appendingPathComponent(".gitignore")
      if !fileManager.fileExists(atPath: ignore.path) { try Data("*\n".utf8).write(to: ignore) }
      // Through a registered temporary file: an interrupted render leaves no half-written entry behind.
      try InFlightFiles.shared.writeAtomically(try JSONEncoder().encode(output), to: file(key))
    } catch {
      // A read-only folder only costs recomputation next time.
    }
  }
}
