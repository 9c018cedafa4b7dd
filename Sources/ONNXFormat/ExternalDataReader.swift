// External tensor data (TensorProto.data_location = EXTERNAL, onnx/docs/ExternalData.md): the
// external_data entries `location` (a path relative to the model's folder), `offset` and `length`
// (bytes). A location must stay inside the model's folder: absolute paths, `..` that climbs out
// and symlinks that point out are refused. Each data file is mapped once per load.

import Foundation

/// Reads external tensor data for one load. Not shared across threads: one reader per load call.
final class ExternalDataReader {
  /// The model's folder with symlinks resolved.
  private let folderPath: String
  /// Mapped data files by their resolved path.
  private var openFiles: [String: Data] = [:]

  init(folder: URL) {
    folderPath = Self.realPath(folder.path) ?? folder.standardizedFileURL.path
  }

  /// The `expectedBytes` bytes that `tensor`'s external_data entries point at.
  func bytes(for tensor: Onnx_TensorProto, name: String, expectedBytes: Int) throws -> Data {
    var location: String?
    var offset = 0
    var length: Int?
    for entry in tensor.externalData {
      switch entry.key {
      case "location": location = entry.value
      case "offset": offset = try Self.nonNegativeInt(entry, tensor: name)
      case "length": length = try Self.nonNegativeInt(entry, tensor: name)
      default: continue  // "checksum" and unknown keys do not affect reading
      }
    }
    guard let location, !location.isEmpty else {
      throw ONNXFormatError(.externalDataBadEntry(tensor: name, key: "location", value: location ?? ""))
    }
    let byteCount = length ?? expectedBytes
    guard byteCount == expectedBytes else {
      throw ONNXFormatError(
        .dataSizeMismatch(tensor: name, field: "bytes in external data (length)", expected: expectedBytes, actual: byteCount))
    }
    let path = try resolve(location, tensor: name)
    let file = try mappedFile(at: path, location: location, tensor: name)
    let (end, overflow) = offset.addingReportingOverflow(byteCount)
    guard !overflow, end <= file.count else {
      throw ONNXFormatError(
        .externalDataOutOfRange(tensor: name, location: location, offset: offset, length: byteCount, fileSize: file.count))
    }
    let start = file.startIndex + offset
    return file[start..<(start + byteCount)]
  }

  /// The real path of `location` inside the folder, or an error when it leaves the folder.
  private func resolve(_ location: String, tensor: String) throws -> String {
    let escapes = ONNXFormatError(.externalDataEscapesFolder(tensor: tensor, location: location))
    // Absolute paths (POSIX, Windows drive or UNC) are never allowed.
    if location.hasPrefix("/") || location.hasPrefix("\\") || Self.hasDrivePrefix(location) { throw escapes }
    // Lexical check first: `..` may not climb above the folder at any point.
    var components: [String] = []
    for part in location.split(whereSeparator: { $0 == "/" || $0 == "\\" }) {
      switch part {
      case ".": continue
      case "..":
        if components.isEmpty { throw escapes }
        components.removeLast()
      default: components.append(String(part))
      }
    }
    if components.isEmpty { throw escapes }
    let lexicalPath = folderPath + "/" + components.joined(separator: "/")
    guard FileManager.default.fileExists(atPath: lexicalPath) else {
      throw ONNXFormatError(.externalDataMissing(tensor: tensor, location: location))
    }
    // Then the real path: a symlink inside the folder may still point outside it.
    guard let real = Self.realPath(lexicalPath), real.hasPrefix(folderPath == "/" ? "/" : folderPath + "/") else {
      throw escapes
    }
    return real
  }

  private func mappedFile(at path: String, location: String, tensor: String) throws -> Data {
    if let data = openFiles[path] { return data }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
      throw ONNXFormatError(.externalDataMissing(tensor: tensor, location: location))
    }
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
    } catch {
      throw ONNXFormatError(.unreadableFile(reason: "external data '\(location)': \(error.localizedDescription)"))
    }
    openFiles[path] = data
    return data
  }

  /// "C:..." style Windows paths.
  private static func hasDrivePrefix(_ location: String) -> Bool {
    let scalars = Array(location.unicodeScalars.prefix(2))
    return scalars.count == 2 && scalars[1] == ":" && scalars[0].properties.isAlphabetic
  }

  private static func nonNegativeInt(_ entry: Onnx_StringStringEntryProto, tensor: String) throws -> Int {
    guard let value = Int(entry.value), value >= 0 else {
      throw ONNXFormatError(.externalDataBadEntry(tensor: tensor, key: entry.key, value: entry.value))
    }
    return value
  }

  /// realpath(3): absolute, with `.`/`..` and every symlink resolved; nil when the path does not exist.
  static func realPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
  }
}
