// Inputs found by Fuzz/Sources/FuzzONNX that crashed the importer, kept as regression tests (their
// bytes are also in Fuzz/Corpus/FuzzONNX/regression-*.onnx).
import Foundation
import ONNXFormat
import ONNXImport
import Testing

@Suite struct ONNXFuzzRegressionTests {
  struct Case: Sendable, CustomTestStringConvertible {
    let name: String
    /// What the error must name.
    let mentions: String
    let base64: String
    var testDescription: String { name }
  }

  /// Found by FuzzONNX in CI runs on 2026-12-02, each a one-byte change of an op fixture: a Reshape
  /// target and Pad pads holding dimensions so large that the shape arithmetic overflowed Int (a trap)
  /// instead of giving an error.
  static let cases = [
    Case(name: "Reshape target whose product overflows", mentions: "Reshape",
         base64: "CAgSHENvbnZMZW5zIG1ha2Vfb3BfZml4dHVyZXMucHk6hAEKHwoBeAoCdzESAXkaCm5fUmVzaGFwZTMiB1Jlc2hhcGUSE3Jlc2hhcGVfemVyb19taW51czEqGggCEAdCAncxShAAAAAAAAAACS7/////////WhsKAXgSFgoUCAESEAoCCAIKAggECgIIBgoCCAViEwoBeRIOCgwIARIICgIIAgoCCHhCBAoAEBE="),
    Case(name: "Pad whose pads overflow the size", mentions: "Pad",
         base64: "CAgSHENvbnZMZW5zIG1ha2Vfb3BfZml4dHVyZXMucHk6wAEKKwoBeAoCdzESAXkaBm5fUGFkMyIDUGFkKhIKBG1vZGUiB3JlZmxlY3SgQAMSC3BhZF9yZWZsZWN0KkoICBAHQgJ3MUpAKwAAAAAAAAAAAABdIPA9Tg6Fvb2WsT2iOQa+MV0AAAAAAAAAAAAAAABMZWFreVJlbHUAAAAAAAABAAAAAAAAAFobCgF4EhYKFAgBEhAKAggCCgIIAwoCCAUKAggGYhsKAXkSFgoUCAESEAoCCAIKAggDCgIICAoCCAlCBAoAEBE="),
  ]

  @Test(arguments: cases)
  func malformedShapeArithmeticIsAnError(_ regression: Case) throws {
    let data = try #require(Data(base64Encoded: regression.base64))
    var message = ""
    do {
      _ = try ONNXNetworkLoader.network(from: try ONNXFileLoader.load(data: data, baseDirectory: nil))
      Issue.record("the malformed model loaded")
    } catch {
      message = "\(error)"
    }
    #expect(message.contains(regression.mentions), "\(message)")
  }
}
