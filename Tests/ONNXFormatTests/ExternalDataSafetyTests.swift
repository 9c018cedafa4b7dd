// External data must stay inside the model's folder and within the data file's size.

import Foundation
import Testing
@testable import ONNXFormat

struct ExternalDataSafetyTests {
  /// Writes a model whose initializer `w` ([2] float) reads external data at `location`, into a
  /// `model` subfolder of a fresh temporary folder, and loads it.
  func loadError(location: String, offset: String = "0", length: String = "8",
                 prepare: (_ root: URL, _ modelFolder: URL) throws -> Void) throws -> ONNXFormatError? {
    let root = try ModelBuilding.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: root) }
    let modelFolder = root.appendingPathComponent("model", isDirectory: true)
    try FileManager.default.createDirectory(at: modelFolder, withIntermediateDirectories: true)
    try prepare(root, modelFolder)
    let tensor = ModelBuilding.externalTensor(
      "w", dims: [2], dataType: 1, entries: [("location", location), ("offset", offset), ("length", length)])
    let modelURL = modelFolder.appendingPathComponent("net.onnx")
    try ModelBuilding.serialized(ModelBuilding.modelReading(tensor, dims: [2])).write(to: modelURL)
    return formatError { _ = try ONNXFileLoader.load(contentsOf: modelURL) }
  }

  static let eightBytes = Data(ModelBuilding.littleEndianBytes([1, 2]))

  @Test func parentDirectoryEscapeIsRefused() throws {
    let error = try loadError(location: "../secret.bin") { root, _ in
      try Self.eightBytes.write(to: root.appendingPathComponent("secret.bin"))
    }
    #expect(error?.kind == .externalDataEscapesFolder(tensor: "w", location: "../secret.bin"))
    #expect(error?.description.contains("outside the model's folder") == true)

    let nested = try loadError(location: "sub/../../secret.bin") { root, folder in
      try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
      try Self.eightBytes.write(to: root.appendingPathComponent("secret.bin"))
    }
    #expect(nested?.kind == .externalDataEscapesFolder(tensor: "w", location: "sub/../../secret.bin"))
  }

  @Test func absolutePathsAreRefused() throws {
    // Refused before the file system is consulted, so whether /etc/hostname exists does not matter.
    let posix = try loadError(location: "/etc/hostname") { _, _ in }
    #expect(posix?.kind == .externalDataEscapesFolder(tensor: "w", location: "/etc/hostname"))
    let windows = try loadError(location: "C:\\weights.bin") { _, _ in }
    #expect(windows?.kind == .externalDataEscapesFolder(tensor: "w", location: "C:\\weights.bin"))
  }

  @Test func symlinkPointingOutsideIsRefused() throws {
    let error = try loadError(location: "link.bin") { root, folder in
      let target = root.appendingPathComponent("secret.bin")
      try Self.eightBytes.write(to: target)
      try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("link.bin"), withDestinationURL: target)
    }
    #expect(error?.kind == .externalDataEscapesFolder(tensor: "w", location: "link.bin"))
  }

  @Test func symlinkInsideTheFolderIsAllowed() throws {
    let error = try loadError(location: "link.bin") { _, folder in
      let target = folder.appendingPathComponent("real.bin")
      try Self.eightBytes.write(to: target)
      try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("link.bin"), withDestinationURL: target)
    }
    #expect(error == nil)
  }

  @Test func readsPastTheEndOfTheFileAreRefused() throws {
    let error = try loadError(location: "w.bin", offset: "4") { _, folder in
      try Self.eightBytes.write(to: folder.appendingPathComponent("w.bin"))
    }
    #expect(error?.kind == .externalDataOutOfRange(tensor: "w", location: "w.bin", offset: 4, length: 8, fileSize: 8))
  }

  @Test func lengthThatDoesNotMatchTheShapeIsRefused() throws {
    let error = try loadError(location: "w.bin", length: "4") { _, folder in
      try Self.eightBytes.write(to: folder.appendingPathComponent("w.bin"))
    }
    #expect(error?.kind == .dataSizeMismatch(tensor: "w", field: "bytes in external data (length)", expected: 8, actual: 4))
  }

  @Test func missingDataFileAndBadOffsetAreNamed() throws {
    let missing = try loadError(location: "absent.bin") { _, _ in }
    #expect(missing?.kind == .externalDataMissing(tensor: "w", location: "absent.bin"))

    let badOffset = try loadError(location: "w.bin", offset: "-8") { _, folder in
      try Self.eightBytes.write(to: folder.appendingPathComponent("w.bin"))
    }
    #expect(badOffset?.kind == .externalDataBadEntry(tensor: "w", key: "offset", value: "-8"))
  }

  @Test func externalDataWithoutAFolderIsRefused() {
    let tensor = ModelBuilding.externalTensor("w", dims: [2], dataType: 1, entries: [("location", "w.bin")])
    let error = formatError { _ = try ModelBuilding.load(ModelBuilding.modelReading(tensor, dims: [2])) }
    #expect(error?.kind == .externalDataWithoutFolder(tensor: "w"))
  }
}
