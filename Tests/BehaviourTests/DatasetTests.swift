import Foundation
import Imaging
import Testing
@testable import Datasets

@Suite("Datasets")
struct DatasetTests {
  let size = InputSize(height: 6, width: 5)

  @Test("IDX reader on the committed 12-image file (gzip images, plain labels)")
  func readsTinyIDX() throws {
    let array = try IDXArray.read(contentsOf: try Behaviour.fixture("tiny-images-idx3-ubyte.gz"), expectedDimensions: 3)
    #expect(array.dimensions == [12, 6, 5])
    // The generating formula in make_fixtures.py: (40 i + 7 r + 3 c) % 256.
    for (i, r, c) in [(0, 0, 0), (3, 2, 4), (11, 5, 4)] {
      #expect(Int(array.bytes[(i * 6 + r) * 5 + c]) == (40 * i + 7 * r + 3 * c) % 256)
    }
    let labels = try IDXArray.read(contentsOf: try Behaviour.fixture("tiny-labels-idx1-ubyte"), expectedDimensions: 1)
    #expect(labels.bytes.map(Int.init) == (0..<12).map { $0 % 3 })
  }

  @Test("IDX dataset: grey replicated to RGB at the input size, normalised by the preset")
  func idxDataset() throws {
    let dataset = try IDXDataset.load(images: try Behaviour.fixture("tiny-images-idx3-ubyte.gz"),
                                      labels: try Behaviour.fixture("tiny-labels-idx1-ubyte"),
                                      classNames: ["a", "b", "c"], inputSize: size, preset: .efficientNetLite)
    #expect(dataset.count == 12)
    #expect(dataset.label(at: 4) == 1)
    #expect(dataset.className(for: 2) == "c")
    let image = try dataset.image(at: 3)  // [3, 6, 5]
    #expect(image.shape == [3, 6, 5])
    let pixel = Float((40 * 3 + 7 * 2 + 3 * 4) % 256)
    for channel in 0..<3 {
      #expect(abs(image.values[channel * 30 + 2 * 5 + 4] - (pixel - 127) / 128) < 1e-6)
    }
  }

  @Test("limit takes a seeded class-balanced sample")
  func balancedSample() throws {
    let load = { (seed: UInt64) in
      try IDXDataset.load(images: try Behaviour.fixture("tiny-images-idx3-ubyte.gz"), labels: try Behaviour.fixture("tiny-labels-idx1-ubyte"),
                          limit: 6, seed: seed, inputSize: size, preset: .none)
    }
    let first = try load(7), again = try load(7)
    #expect(first.count == 6)
    let counts = Dictionary(grouping: (0..<6).compactMap { first.label(at: $0) }, by: { $0 }).mapValues(\.count)
    #expect(counts == [0: 2, 1: 2, 2: 2])
    #expect(first.items.map(\.name) == again.items.map(\.name))
  }

  @Test("wrong magic number: error names the file and the magic found")
  func wrongMagic() throws {
    let error = #expect(throws: DatasetError.self) {
      try IDXArray.read(contentsOf: try Behaviour.fixture("bad-magic-idx3-ubyte"), expectedDimensions: 3)
    }
    let text = error?.description ?? ""
    #expect(text.contains("bad-magic-idx3-ubyte"))
    #expect(text.contains("0x00000903"))
    #expect(text.contains("0x00000803"))
  }

  @Test("empty dataset folder: clear error")
  func emptyFolder() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convlens-empty-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let error = #expect(throws: DatasetError.self) {
      try ImageFolderDataset.load(root: folder, inputSize: size, preset: .none)
    }
    #expect(error?.description.contains("holds no images") == true)
    #expect(error?.description.contains(folder.path) == true)
  }

  @Test("an unreadable image is skipped with a warning that names it")
  func unreadableImageSkipped() throws {
    var warned: [String] = []
    let dataset = try ImageFolderDataset.load(root: try Behaviour.fixture("folder"), inputSize: InputSize(height: 8, width: 8),
                                              preset: .none, warn: { warned.append($0) })
    #expect(dataset.count == 3)
    #expect(dataset.classNames == ["circle", "square"])
    #expect(warned.count == 1)
    #expect(warned.first?.contains("broken.png") == true)
    #expect(dataset.warnings == warned)
    // The red disc of circle/a.png: centre pixel red, corner black.
    let picture = try dataset.displayImage(at: 0)  // [3, 8, 8]
    #expect(picture.values[0 * 64 + 3 * 8 + 3] == 1)
    #expect(picture.values[1 * 64 + 3 * 8 + 3] == 0)
    #expect(picture.values[0] == 0)
  }

  @Test("a folder with only unreadable images is an error")
  func onlyUnreadable() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("convlens-bad-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: root.appendingPathComponent("a"), withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: root) }
    try Data("nope".utf8).write(to: root.appendingPathComponent("a/x.png"))
    let error = #expect(throws: DatasetError.self) {
      try ImageFolderDataset.load(root: root, inputSize: size, preset: .none)
    }
    #expect(error?.description.contains("x.png") == true)
  }
}
