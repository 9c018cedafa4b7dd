import Foundation
import Testing

/// Bad input gets one clear line on stderr and a documented exit code (1: bad input, 2: bad usage),
/// never a crash.
@Suite struct BadInputTests {
  /// Checks the failure transcript: exit code, a single `convlens: error:` line naming the problem.
  func expectFailure(_ arguments: [String], code: Int32 = 1, mentions fragments: [String],
                     sourceLocation: SourceLocation = #_sourceLocation) throws {
    let result = try CLI.run(arguments)
    #expect(result.status == code, "exit \(result.status), stderr: \(result.stderr)", sourceLocation: sourceLocation)
    let lines = result.stderr.split(separator: "\n")
    if code == 1 {
      #expect(lines.count == 1, "expected one line, got: \(result.stderr)", sourceLocation: sourceLocation)
      #expect(result.stderr.hasPrefix("convlens: error: "), sourceLocation: sourceLocation)
    }
    for fragment in fragments {
      #expect(result.stderr.localizedCaseInsensitiveContains(fragment), "'\(fragment)' not in: \(result.stderr)",
              sourceLocation: sourceLocation)
    }
    #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("crashed"), sourceLocation: sourceLocation)
  }

  @Test func missingModelFile() throws {
    try expectFailure(["predict", "--model", "no-such-model.onnx", "Reports/images/chelsea.png"], mentions: ["not found", "no-such-model.onnx"])
  }

  @Test func truncatedModel() throws {
    let folder = try CLI.temporaryFolder()
    let source = try Data(contentsOf: URL(fileURLWithPath: CLI.fixture("unsupported-op.onnx")))
    let path = folder.appendingPathComponent("truncated.onnx")
    try source.prefix(source.count / 2).write(to: path)
    try expectFailure(["predict", "--model", path.path, CLI.fixture("small.png")], mentions: ["truncated.onnx", "not a valid ONNX model"])
  }

  @Test func randomBytesAsModel() throws {
    let folder = try CLI.temporaryFolder()
    var generator = SplitMix(seed: 7)
    let bytes = (0..<4096).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    let path = folder.appendingPathComponent("random.onnx")
    try Data(bytes).write(to: path)
    try expectFailure(["predict", "--model", path.path, CLI.fixture("small.png")], mentions: ["random.onnx"])
  }

  @Test func unsupportedOpNamesNodeOpAndSupportedList() throws {
    try expectFailure(["predict", "--model", CLI.fixture("unsupported-op.onnx"), CLI.fixture("small.png")],
                      mentions: ["mystery_activation", "'Erf'", "opset 17", "supported ops", "Conv"])
  }

  @Test func missingImage() throws {
    try expectFailure(["predict", "no-such-image.png"], mentions: ["no-such-image.png", "not found"])
  }

  @Test func corruptPNG() throws {
    let folder = try CLI.temporaryFolder()
    let source = try Data(contentsOf: URL(fileURLWithPath: CLI.fixture("small.png")))
    let path = folder.appendingPathComponent("cut.png")
    try source.prefix(60).write(to: path)
    try expectFailure(["predict", path.path], mentions: ["cut.png", "PNG"])
  }

  @Test func corruptJPEG() throws {
    let folder = try CLI.temporaryFolder()
    let source = try Data(contentsOf: CLI.root.appendingPathComponent("Reports/images/rocket.jpg"))
    let path = folder.appendingPathComponent("cut.jpg")
    try source.prefix(700).write(to: path)
    try expectFailure(["predict", path.path], mentions: ["cut.jpg", "JPEG"])
  }

  @Test func hugeDeclaredImageIsRefusedBeforeDecoding() throws {
    try expectFailure(["predict", CLI.fixture("huge-declared.png")], mentions: ["huge-declared.png", "40000"])
  }

  @Test func unknownFlagIsAUsageError() throws {
    try expectFailure(["predict", "--no-such-flag", "Reports/images/chelsea.png"], code: 2, mentions: ["no-such-flag"])
  }

  @Test func unknownPresetSuggestsPresets() throws {
    try expectFailure(["predict", "--preset", "imagenett", "Reports/images/chelsea.png"], mentions: ["imagenet"])
  }
}

/// A tiny seeded generator (SplitMix64) for reproducible random bytes.
struct SplitMix: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
