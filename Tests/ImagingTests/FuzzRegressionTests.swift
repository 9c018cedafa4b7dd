// Inputs found by (or, for the nesting depth, reviewed alongside) Fuzz/Sources/FuzzImage that crashed
// the .npy reader, kept as regression tests.
import Foundation
import Imaging
import Testing

@Suite struct ImagingFuzzRegressionTests {
  /// A format-2.0 .npy file: magic, version, 4-byte little-endian header length, header, data.
  private func npy(header: String, data: [UInt8] = []) -> Data {
    let text = Array(header.utf8)
    let length = UInt32(text.count)
    let lengthBytes = (0..<4).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) }
    return Data([0x93] + Array("NUMPY".utf8) + [2, 0] + lengthBytes + text + data)
  }

  private func message(_ data: Data) -> String? {
    do {
      _ = try NPYFile.read(data: data, name: "fuzz.npy")
      return nil
    } catch let error as NPYError {
      return error.message
    } catch {
      return "unexpected error type: \(error)"
    }
  }

  /// Found by FuzzImage: the dtype's item size was multiplied by 8 for the message, and a written size
  /// such as -2226222222222222228 overflowed (a trap) instead of giving the unsupported-dtype error.
  @Test(arguments: ["=f-2226222222222222228", "<f4611686018427387904", "|i-9223372036854775808", ">c2305843009213693952"])
  func hugeItemSizeInTheDtypeIsAnUnsupportedDtype(dtype: String) throws {
    let text = message(npy(header: "{'descr': '\(dtype)', 'fortran_order': False, 'shape': (5,), }"))
    #expect(text?.contains("dtype '\(dtype)'") == true)
    #expect(text?.contains("is not supported") == true)
  }

  @Test func plausibleItemSizesStillNameTheType() {
    #expect(message(npy(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }"))?.contains("(float64)") == true)
    #expect(message(npy(header: "{'descr': '>i2', 'fortran_order': False, 'shape': (1,), }"))?.contains("(int16 big-endian)") == true)
  }

  /// Tuples and dicts are read recursively: a header of a million "(" used to exhaust the stack.
  @Test func deeplyNestedHeaderIsRefusedWithoutRecursingIntoIt() {
    let depth = 1_000_000
    let header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + String(repeating: "(", count: depth)
      + String(repeating: ")", count: depth) + ", }"
    let text = message(npy(header: header))
    #expect(text?.contains("nested deeper than") == true)
  }
}
