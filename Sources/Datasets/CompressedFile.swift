import CZlib
import Foundation

/// Whole-file reads through zlib's gzip reader, which also passes plain (uncompressed) files
/// through unchanged (zlib manual: "gzread ... reads uncompressed data transparently"), so one
/// reader serves `train-images-idx3-ubyte` and `train-images-idx3-ubyte.gz` alike.
enum CompressedFile {
  /// Refuses files that inflate beyond this (a corrupt or hostile archive), 2 GB.
  static let maximumBytes = 2 << 30

  static func contents(of url: URL) throws -> [UInt8] {
    let name = url.lastPathComponent
    guard FileManager.default.fileExists(atPath: url.path) else { throw DatasetError("\(url.path): file not found") }
    guard let file = gzopen(url.path, "rb") else { throw DatasetError("\(url.path): cannot open the file for reading") }
    defer { gzclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    while true {
      let read = chunk.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
      if read < 0 {
        var code: Int32 = 0
        let message = gzerror(file, &code).map { String(cString: $0) } ?? "unknown error"
        throw DatasetError("\(name): cannot decompress (\(message)); expected a gzip or plain IDX file")
      }
      if read == 0 { break }
      bytes.append(contentsOf: chunk[0..<Int(read)])
      guard bytes.count <= maximumBytes else { throw DatasetError("\(name): more than 2 GB once decompressed; refusing to load it") }
    }
    return bytes
  }
}
