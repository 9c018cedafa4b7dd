// libFuzzer entry: arbitrary bytes through the image front-end that reads user pictures and tensors:
// format sniffing, the PNG (Cairo) and JPEG (libturbojpeg) decoders with their header checks, and the
// .npy reader. Every failure must be a thrown error; a trap, a hang or a huge allocation is a bug.
import Foundation
import Imaging

// A static property, initialised lazily on first use: a global here would be top-level code that only
// runs from `main`, and libFuzzer's own `main` never runs ours.
private enum Setting {
  /// Small limits keep each run fast and inside libFuzzer's RSS limit; the size checks they drive are
  /// the ones `ImageLimits.default` drives on real files.
  static let limits = ImageLimits(maxWidth: 2048, maxHeight: 2048, maxPixels: 1 << 20)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Data(bytes: data, count: size)
  // The name only shapes messages (a misleading extension is noted); alternate it so that path runs.
  let name = size % 2 == 0 ? "fuzz.png" : "fuzz.jpg"
  do {
    let image = try ImageDecoder.decode(data: bytes, name: name, limits: Setting.limits)
    // A decoded image must be self-consistent.
    precondition(image.width > 0 && image.height > 0 && image.pixels.count == image.width * image.height * 3)
  } catch {
    _ = String(describing: error)
  }
  do {
    let array = try NPYFile.read(data: bytes, name: "fuzz.npy")
    precondition(array.values.count == array.shape.reduce(1, *))
  } catch {
    _ = String(describing: error)
  }
  return 0
}
