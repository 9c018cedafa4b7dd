import Foundation

/// Reads a whole file for the decoders, turning Foundation's errors into one short phrase.
enum FileReading {
  /// The path to show in messages for `url`.
  static func displayName(_ url: URL) -> String {
    url.isFileURL ? url.path : url.absoluteString
  }

  static func contents(of url: URL) throws(FileReadProblem) -> Data {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
      throw FileReadProblem(reason: "no such file")
    }
    guard !isDirectory.boolValue else { throw FileReadProblem(reason: "is a folder, not a file") }
    guard FileManager.default.isReadableFile(atPath: url.path) else {
      throw FileReadProblem(reason: "cannot read the file (permission denied)")
    }
    do {
      return try Data(contentsOf: url)
    } catch {
      throw FileReadProblem(reason: "cannot read the file (\(error.localizedDescription))")
    }
  }
}

struct FileReadProblem: Error {
  let reason: String
}
