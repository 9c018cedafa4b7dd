import Foundation
import Imaging
import Testing

/// Access to the committed fixtures (made by Scripts/make_imaging_fixtures.py) and to ../shared.
enum Fixtures {
  static func url(_ name: String) throws -> URL {
    let folder = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil),
                              "the Fixtures folder is missing from the test bundle")
    return folder.appendingPathComponent(name)
  }

  static func data(_ name: String) throws -> Data {
    try Data(contentsOf: url(name))
  }

  static func image(_ name: String) throws -> RGBImage {
    try ImageDecoder.decode(contentsOf: url(name))
  }

  /// An expected picture stored as float32 [H, W, 3] holding 0...255 values.
  static func expectedImage(_ name: String) throws -> RGBImage {
    let array = try NPYFile.read(contentsOf: url(name))
    try #require(array.shape.count == 3 && array.shape[2] == 3, "\(name) has shape \(array.shape), expected [H, W, 3]")
    let pixels = try array.values.map { value in
      try #require(value >= 0 && value <= 255 && value == value.rounded(), "\(name) holds a non-byte value \(value)")
      return UInt8(value)
    }
    return RGBImage(width: array.shape[1], height: array.shape[0], pixels: pixels)
  }

  /// The repository's sibling `shared/` folder, when present (resolving symlinks of this file).
  static var sharedFolder: URL? {
    let packageRoot = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let shared = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    return FileManager.default.fileExists(atPath: shared.path) ? shared : nil
  }

  static func sharedFile(_ relativePath: String) -> URL? {
    guard let url = sharedFolder?.appendingPathComponent(relativePath),
          FileManager.default.fileExists(atPath: url.path) else { return nil }
    return url
  }
}

/// The largest per-byte difference between two pictures of the same size (nil if sizes differ).
func maxAbsDifference(_ first: RGBImage, _ second: RGBImage) -> Int? {
  guard first.width == second.width, first.height == second.height else { return nil }
  return zip(first.pixels, second.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
}

/// Deterministic bytes for "random file" tests (SplitMix64).
func pseudoRandomBytes(count: Int, seed: UInt64) -> Data {
  var state = seed
  var bytes = [UInt8]()
  bytes.reserveCapacity(count)
  while bytes.count < count {
    state &+= 0x9E37_79B9_7F4A_7C15
    var mixed = state
    mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
    mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
    mixed ^= mixed >> 31
    for shift in stride(from: 0, to: 64, by: 8) where bytes.count < count {
      bytes.append(UInt8(truncatingIfNeeded: mixed >> UInt64(shift)))
    }
  }
  return Data(bytes)
}
