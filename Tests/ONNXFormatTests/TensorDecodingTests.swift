// Initializer decoding: every storage of the same values gives the same constant, and malformed
// tensors are refused with a clear error.

import Foundation
import Testing
@testable import ONNXFormat

struct TensorDecodingTests {
  // All exactly representable in float16, including the smallest subnormal 2^-24.
  static let values: [Float] = [0.5, -1.25, 3.0, 0, 1024, -0.0078125, 0x1p-24]
  // The same values as IEEE binary16 bit patterns, worked out by hand:
  // 0.5 = 2^-1 -> exp 14 -> 0x3800; -1.25 -> sign, exp 15, mantissa 0.25 -> 0xBD00; 3 -> 0x4200;
  // 1024 = 2^10 -> exp 25 -> 0x6400; -2^-7 -> sign, exp 8 -> 0xA000; 2^-24 -> subnormal 0x0001.
  static let halfBits: [UInt16] = [0x3800, 0xBD00, 0x4200, 0x0000, 0x6400, 0xA000, 0x0001]
  static let dims: [Int64] = [7]

  func decodedWeight(_ tensor: Onnx_TensorProto) throws -> ONNXConstant? {
    try ModelBuilding.load(ModelBuilding.modelReading(tensor, dims: Self.dims)).constants["w"]
  }

  @Test func floatDataRawDataFloat16AndDoubleDecodeToTheSameConstant() throws {
    let expected = ONNXConstant(shape: [7], floats: Self.values)
    let fromFloatData = ModelBuilding.floatTensor("w", dims: Self.dims, floatData: Self.values)
    let fromRaw = ModelBuilding.rawTensor("w", dims: Self.dims, dataType: 1, bytes: ModelBuilding.littleEndianBytes(Self.values))
    let halfBytes = Self.halfBits.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    let fromHalfRaw = ModelBuilding.rawTensor("w", dims: Self.dims, dataType: 10, bytes: halfBytes)
    var fromHalfInt32 = ModelBuilding.floatTensor("w", dims: Self.dims, floatData: [])
    fromHalfInt32.dataType = 10
    fromHalfInt32.int32Data = Self.halfBits.map { Int32($0) }
    var fromDouble = ModelBuilding.floatTensor("w", dims: Self.dims, floatData: [])
    fromDouble.dataType = 11
    fromDouble.doubleData = Self.values.map { Double($0) }

    #expect(try decodedWeight(fromFloatData) == expected)
    #expect(try decodedWeight(fromRaw) == expected)
    #expect(try decodedWeight(fromHalfRaw) == expected)
    #expect(try decodedWeight(fromHalfInt32) == expected)
    #expect(try decodedWeight(fromDouble) == expected)

    // bfloat16 is the top half of the Float32 bits; these values have zero low halves:
    // 0.5 = 0x3F00_0000, -1.25 = 0xBFA0_0000, 3 = 0x4040_0000, 1024 = 0x4480_0000,
    // -2^-7 = 0xBC00_0000, 2^-24 = 0x3380_0000.
    let bfloatBits: [UInt16] = [0x3F00, 0xBFA0, 0x4040, 0x0000, 0x4480, 0xBC00, 0x3380]
    let fromBFloat = ModelBuilding.rawTensor(
      "w", dims: Self.dims, dataType: 16, bytes: bfloatBits.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
    #expect(try decodedWeight(fromBFloat) == expected)
  }

  @Test func externalDataDecodesLikeRawData() throws {
    let folder = try ModelBuilding.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    // 16 bytes of padding before the tensor, to exercise `offset`.
    let payload = [UInt8](repeating: 0xEE, count: 16) + ModelBuilding.littleEndianBytes(Self.values)
    try Data(payload).write(to: folder.appendingPathComponent("weights.bin"))
    let tensor = ModelBuilding.externalTensor(
      "w", dims: Self.dims, dataType: 1, entries: [("location", "weights.bin"), ("offset", "16"), ("length", "28")])
    let modelURL = folder.appendingPathComponent("model.onnx")
    try ModelBuilding.serialized(ModelBuilding.modelReading(tensor, dims: Self.dims)).write(to: modelURL)

    let graph = try ONNXFileLoader.load(contentsOf: modelURL)
    #expect(graph.constants["w"] == ONNXConstant(shape: [7], floats: Self.values))
  }

  @Test func integerStoragesDecodeToTheSameInt64Values() throws {
    let values: [Int64] = [-3, 0, 7, 1 << 40]
    let expected = ONNXConstant(shape: [4], int64s: values)
    let typed = ModelBuilding.int64Tensor("w", dims: [4], values: values)
    let raw = ModelBuilding.rawTensor(
      "w", dims: [4], dataType: 7,
      bytes: values.flatMap { value in (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } })
    #expect(try ModelBuilding.load(ModelBuilding.modelReading(typed, dims: [4])).constants["w"] == expected)
    #expect(try ModelBuilding.load(ModelBuilding.modelReading(raw, dims: [4])).constants["w"] == expected)

    var int32Typed = ModelBuilding.int64Tensor("w", dims: [3], values: [])
    int32Typed.dataType = 6
    int32Typed.int32Data = [-5, 0, 123_456]
    let int32Raw = ModelBuilding.rawTensor("w", dims: [3], dataType: 6, bytes: [0xFB, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0x40, 0xE2, 0x01, 0])
    let int32Expected = ONNXConstant(shape: [3], int64s: [-5, 0, 123_456])
    #expect(try ModelBuilding.load(ModelBuilding.modelReading(int32Typed, dims: [3])).constants["w"] == int32Expected)
    #expect(try ModelBuilding.load(ModelBuilding.modelReading(int32Raw, dims: [3])).constants["w"] == int32Expected)
  }

  @Test func dataThatDoesNotMatchTheShapeIsRefused() {
    let short = ModelBuilding.floatTensor("w", dims: [4], floatData: [1, 2, 3])
    let error = formatError { _ = try ModelBuilding.load(ModelBuilding.modelReading(short, dims: [4])) }
    #expect(error?.kind == .dataSizeMismatch(tensor: "w", field: "values in float_data", expected: 4, actual: 3))
    #expect(error?.description.contains("'w'") == true)

    let rawShort = ModelBuilding.rawTensor("w", dims: [2], dataType: 1, bytes: [0, 0, 0x80, 0x3F, 0, 0])
    let rawError = formatError { _ = try ModelBuilding.load(ModelBuilding.modelReading(rawShort, dims: [2])) }
    #expect(rawError?.kind == .dataSizeMismatch(tensor: "w", field: "bytes in raw_data", expected: 8, actual: 6))
  }

  @Test func negativeOverflowingAndOversizedShapesAreRefusedBeforeAllocation() {
    let negative = ModelBuilding.floatTensor("w", dims: [2, -1], floatData: [])
    #expect(formatError { _ = try ModelBuilding.load(ModelBuilding.modelReading(negative, dims: [2])) }?.kind
      == .negativeDimension(tensor: "w", dims: [2, -1]))

    let huge = ModelBuilding.floatTensor("w", dims: [Int64.max, 4], floatData: [])
    #expect(formatError { _ = try ModelBuilding.load(ModelBuilding.modelReading(huge, dims: [2])) }?.kind
      == .elementCountOverflow(tensor: "w", dims: [Int64.max, 4]))

    // Empty, but the other dims multiply past Int64: refused so later partial products cannot trap.
    let emptyButHuge = ModelBuilding.floatTensor("w", dims: [0, 1 << 40, 1 << 40], floatData: [])
    #expect(formatError { _ = try ModelBuilding.load(ModelBuilding.modelReading(emptyButHuge, dims: [2])) }?.kind
      == .elementCountOverflow(tensor: "w", dims: [0, 1 << 40, 1 << 40]))

    let twelve = ModelBuilding.floatTensor("w", dims: [3, 4], floatData: [Float](repeating: 1, count: 12))
    let limits = ONNXLoadLimits(maxFileBytes: 1 << 20, maxElements: 10)
    #expect(formatError { _ = try ModelBuilding.load(ModelBuilding.modelReading(twelve, dims: [3, 4]), limits: limits) }?.kind
      == .tooManyElements(tensor: "w", count: 12, limit: 10))
  }

  @Test func unsupportedDataTypesAreNamed() {
    var strings = ModelBuilding.floatTensor("w", dims: [1], floatData: [])
    strings.dataType = 8
    strings.stringData = [Data("a".utf8)]
    let error = formatError { _ = try ModelBuilding.load(ModelBuilding.modelReading(strings, dims: [1])) }
    #expect(error?.kind == .unsupportedDataType(tensor: "w", typeName: "STRING"))
    #expect(error?.description.contains("STRING") == true)
  }
}
