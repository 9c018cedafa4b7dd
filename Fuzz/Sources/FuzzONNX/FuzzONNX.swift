// libFuzzer entry: arbitrary bytes as an ONNX model, through the whole load path that runs before
// any inference: protobuf decoding, initializers (external data included), node checks, topological
// order, constant folding, shape resolution and the engine network builder. Every failure must be a
// thrown error; a trap, a hang or a huge allocation is a bug.
import Foundation
import ONNXFormat
import ONNXImport

// Settings live in an enum's static properties, which Swift initialises lazily on first use: this file
// is compiled as top-level code whose global initialisers would only run from `main`, and libFuzzer's
// own `main` never runs ours.
private enum Setting {
  /// A private folder that stands for "the model's folder": external data may only be read inside it.
  /// It holds one small data file so inputs that name `weights.bin` reach the external-data reader's
  /// offset/length checks; any other location must be refused (missing, or outside the folder).
  static let modelFolder: URL = {
    // Under $TMPDIR, which Scripts/fuzz.sh points at its own temporary folder.
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convlens-fuzz-onnx", isDirectory: true)
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let bytes = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 37) }
    try? Data(bytes).write(to: folder.appendingPathComponent("weights.bin"))
    return folder
  }()

  /// Small limits keep each run fast and inside libFuzzer's RSS limit; the checks they drive are the
  /// same ones the default limits drive on real files.
  static let limits = ONNXLoadLimits(maxFileBytes: 1 << 20, maxElements: 1 << 20)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Data(bytes: data, count: size)
  do {
    let graph = try ONNXFileLoader.load(data: bytes, baseDirectory: Setting.modelFolder, limits: Setting.limits)
    _ = try ONNXNetworkLoader.network(from: graph)
  } catch {
    // Expected for almost every input; the message must still be producible.
    _ = String(describing: error)
  }
  return 0
}
