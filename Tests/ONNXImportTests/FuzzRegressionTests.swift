// Inputs found by Fuzz/Sources/FuzzONNX that crashed the importer, kept as regression tests.
import Foundation
import ONNXFormat
import ONNXImport
import Testing

@Suite struct ONNXFuzzRegressionTests {
  /// Found by FuzzONNX (2026-12-02): a Reshape (the op fixture `reshape_zero_minus1` with one byte of
  /// its constant target changed) whose target holds 0x2E…FF…, a dimension so large that the product of
  /// the known dimensions overflowed Int (a trap) instead of giving the invalid-target error.
  @Test func reshapeTargetWhoseProductOverflowsIsAnError() throws {
    let base64 = "CAgSHENvbnZMZW5zIG1ha2Vfb3BfZml4dHVyZXMucHk6hAEKHwoBeAoCdzESAXkaCm5fUmVzaGFwZTMiB1Jlc2hhcGUSE3Jlc2hhcGVfemVyb19taW51czEqGggCEAdCAncxShAAAAAAAAAACS7/////////WhsKAXgSFgoUCAESEAoCCAIKAggECgIIBgoCCAViEwoBeRIOCgwIARIICgIIAgoCCHhCBAoAEBE="
    let data = try #require(Data(base64Encoded: base64))
    var message = ""
    do {
      _ = try ONNXNetworkLoader.network(from: try ONNXFileLoader.load(data: data, baseDirectory: nil))
      Issue.record("the malformed model loaded")
    } catch {
      message = "\(error)"
    }
    #expect(message.contains("Reshape"), "\(message)")
  }
}
