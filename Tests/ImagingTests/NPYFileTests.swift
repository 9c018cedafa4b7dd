import Foundation
import Imaging
import Testing

/// .npy reading (files written by NumPy) and writing, and the error for each unsupported case.
struct NPYFileTests {
  // np.arange(6).reshape(2, 3) / 4 - 0.5
  private let expectedValues: [Float] = [-0.5, -0.25, 0, 0.25, 0.5, 0.75]

  private func readError(_ data: Data, name: String = "a.npy") -> NPYError? {
    do {
      _ = try NPYFile.read(data: data, name: name)
      return nil
    } catch let error as NPYError {
      return error
    } catch {
      Issue.record("unexpected error type: \(error)")
      return nil
    }
  }

  @Test(arguments: ["npy_f4_2x3.npy", "npy_v2_2x3.npy"])
  func readsNumPyFiles(file: String) throws {
    let array = try NPYFile.read(contentsOf: Fixtures.url(file))
    #expect(array.shape == [2, 3])
    #expect(array.values == expectedValues)
  }

  @Test func readsAScalar() throws {
    let array = try NPYFile.read(contentsOf: Fixtures.url("npy_scalar.npy"))
    #expect(array.shape == [])
    #expect(array.values == [2.5])
  }

  @Test func encodeMatchesNumPyBytesAndRoundTrips() throws {
    let array = NPYArray(shape: [2, 3], values: expectedValues)
    let encoded = NPYFile.encode(array)
    // NumPy's own bytes for the same array (version 1.0, header padded to 64 bytes).
    #expect(encoded == (try Fixtures.data("npy_f4_2x3.npy")))
    #expect(try NPYFile.read(data: encoded, name: "x.npy") == array)
  }

  @Test(arguments: [[Int](), [0], [5], [1, 3, 4, 2]])
  func roundTripsShapes(shape: [Int]) throws {
    let count = shape.reduce(1, *)
    let array = NPYArray(shape: shape, values: (0..<count).map { Float($0) * 1.5 - 2 })
    let encoded = NPYFile.encode(array)
    #expect(encoded.count % 64 == count * 4 % 64, "header not padded to 64 bytes")
    #expect(try NPYFile.read(data: encoded, name: "x.npy") == array)
  }

  @Test func largeHeaderUsesVersion2() throws {
    // A shape with many dimensions makes the header longer than 65535 bytes.
    let shape = [Int](repeating: 1, count: 25_000)
    let encoded = NPYFile.encode(NPYArray(shape: shape, values: [7]))
    #expect([UInt8](encoded)[6] == 2)
    #expect(try NPYFile.read(data: encoded, name: "x.npy").shape == shape)
  }

  @Test(arguments: [("npy_f8.npy", "'<f8' (float64)"),
                    ("npy_i8.npy", "'<i8' (int64)"),
                    ("npy_big_endian.npy", "'>f4' (float32 big-endian)")])
  func otherDtypesAreNamed(file: String, named: String) throws {
    let error = readError(try Fixtures.data(file), name: file)
    #expect(error?.description.hasPrefix("\(file): dtype \(named) is not supported") == true, "\(String(describing: error))")
  }

  @Test func fortranOrderIsRefused() throws {
    let error = readError(try Fixtures.data("npy_fortran.npy"))
    #expect(error?.description.contains("Fortran-order") == true, "\(String(describing: error))")
  }

  @Test func truncatedData() throws {
    let data = try Fixtures.data("npy_f4_2x3.npy")
    let error = readError(data.prefix(data.count - 3))
    #expect(error?.description.contains("truncated data: shape [2, 3] needs 24 bytes, the file has 21") == true,
            "\(String(describing: error))")
    #expect(readError(data.prefix(30))?.description.contains("truncated .npy header") == true)
    #expect(readError(data + Data([1, 2, 3, 4]))?.description.contains("unexpected bytes") == true)
  }

  @Test func badHeaders() throws {
    #expect(readError(Data("not numpy at all".utf8))?.description.contains("missing the \\x93NUMPY magic") == true)
    var bytes = [UInt8](try Fixtures.data("npy_f4_2x3.npy"))
    bytes[6] = 9
    #expect(readError(Data(bytes))?.description.contains("unsupported .npy format version 9.0") == true)
    for header in ["{'descr': '<f4', 'shape': (2, 3), }",
                   "{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3), }",
                   "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3) ",
                   "['descr', '<f4']"] {
      var file = [UInt8]([0x93] + Array("NUMPY".utf8)) + [1, 0]
      let text = Array((header + "\n").utf8)
      file += [UInt8(text.count & 0xFF), UInt8(text.count >> 8)] + text + [UInt8](repeating: 0, count: 24)
      let error = readError(Data(file))
      #expect(error?.description.contains("bad .npy header") == true, "\(header): \(String(describing: error))")
      #expect(error?.description.contains("\n") == false)
    }
  }

  @Test func missingFile() {
    #expect(throws: NPYError.self) { try NPYFile.read(contentsOf: URL(fileURLWithPath: "/nonexistent/x.npy")) }
  }
}
