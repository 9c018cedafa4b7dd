// TensorProto -> ONNXConstant: shape checks (negative dims, overflow, limits) before any
// allocation, then the values from raw_data, external data or the typed repeated fields,
// widened to Float32 (float16, bfloat16, double) or Int64 (all integer types and bool).

import Foundation

#if _endian(big)
#error("ONNX raw_data is little-endian; the bulk copies below assume a little-endian host")
#endif

struct TensorDecoder {
  let limits: ONNXLoadLimits
  /// nil when the model came without a folder (external data is then an error).
  let externalData: ExternalDataReader?

  /// Decodes `tensor`; `name` overrides its own name in messages (Constant attributes are unnamed).
  func decode(_ tensor: Onnx_TensorProto, name: String? = nil) throws -> ONNXConstant {
    let tensorName = name ?? tensor.name
    let (shape, count) = try checkedShape(tensor.dims, tensor: tensorName, limits: limits)
    guard let type = TensorElementType(rawValue: tensor.dataType) else {
      throw ONNXFormatError(
        .unsupportedDataType(tensor: tensorName, typeName: TensorElementType.onnxName(of: tensor.dataType)))
    }
    let storage: ONNXConstant.Storage
    if tensor.hasDataLocation && tensor.dataLocation == .external {
      guard let externalData else { throw ONNXFormatError(.externalDataWithoutFolder(tensor: tensorName)) }
      let bytes = try externalData.bytes(for: tensor, name: tensorName, expectedBytes: try byteCount(count, type, tensorName))
      storage = Self.values(fromLittleEndian: bytes, type: type, count: count)
    } else if tensor.hasRawData {
      let expected = try byteCount(count, type, tensorName)
      guard tensor.rawData.count == expected else {
        throw ONNXFormatError(
          .dataSizeMismatch(tensor: tensorName, field: "bytes in raw_data", expected: expected, actual: tensor.rawData.count))
      }
      storage = Self.values(fromLittleEndian: tensor.rawData, type: type, count: count)
    } else {
      storage = try Self.values(fromTypedFieldsOf: tensor, type: type, count: count, name: tensorName)
    }
    return ONNXConstant(shape: shape, storage: storage)
  }

  private func byteCount(_ count: Int, _ type: TensorElementType, _ name: String) throws -> Int {
    let (bytes, overflow) = count.multipliedReportingOverflow(by: type.byteWidth)
    guard !overflow else { throw ONNXFormatError(.tooManyElements(tensor: name, count: count, limit: Int.max / type.byteWidth)) }
    return bytes
  }

  /// Values from a little-endian byte buffer of exactly `count * type.byteWidth` bytes.
  static func values(fromLittleEndian bytes: Data, type: TensorElementType, count: Int) -> ONNXConstant.Storage {
    switch type {
    case .float32: return .float(copyElements(bytes, count: count, as: Float.self))
    case .float64: return .float(copyElements(bytes, count: count, as: Double.self).map { Float($0) })
    case .float16: return .float(copyElements(bytes, count: count, as: UInt16.self).map(floatFromHalfBits))
    case .bfloat16: return .float(copyElements(bytes, count: count, as: UInt16.self).map(floatFromBFloat16Bits))
    case .int64: return .int64(copyElements(bytes, count: count, as: Int64.self))
    case .int32: return .int64(copyElements(bytes, count: count, as: Int32.self).map { Int64($0) })
    case .int16: return .int64(copyElements(bytes, count: count, as: Int16.self).map { Int64($0) })
    case .uint16: return .int64(copyElements(bytes, count: count, as: UInt16.self).map { Int64($0) })
    case .int8: return .int64(copyElements(bytes, count: count, as: Int8.self).map { Int64($0) })
    case .uint8: return .int64(copyElements(bytes, count: count, as: UInt8.self).map { Int64($0) })
    case .bool: return .int64(copyElements(bytes, count: count, as: UInt8.self).map { $0 != 0 ? 1 : 0 })
    }
  }

  /// One bulk copy of `count` elements (the caller checked the byte count). Works for Data slices.
  static func copyElements<T: BitwiseCopyable>(_ bytes: Data, count: Int, as _: T.Type) -> [T] {
    [T](unsafeUninitializedCapacity: count) { buffer, initialized in
      bytes.withUnsafeBytes { source in
        UnsafeMutableRawBufferPointer(buffer).copyMemory(
          from: UnsafeRawBufferPointer(rebasing: source.prefix(count * MemoryLayout<T>.stride)))
      }
      initialized = count
    }
  }

  private static func values(
    fromTypedFieldsOf tensor: Onnx_TensorProto, type: TensorElementType, count: Int, name: String
  ) throws -> ONNXConstant.Storage {
    let found: Int
    switch type {
    case .float32: found = tensor.floatData.count
    case .int64: found = tensor.int64Data.count
    case .float64: found = tensor.doubleData.count
    default: found = tensor.int32Data.count
    }
    guard found == count else {
      throw ONNXFormatError(
        .dataSizeMismatch(tensor: name, field: "values in \(type.typedFieldName)", expected: count, actual: found))
    }
    switch type {
    case .float32: return .float(tensor.floatData)
    case .int64: return .int64(tensor.int64Data)
    case .float64: return .float(tensor.doubleData.map { Float($0) })
    // 16-bit floats: the bit pattern sits in the low 16 bits of each int32_data entry.
    case .float16: return .float(tensor.int32Data.map { floatFromHalfBits(UInt16(truncatingIfNeeded: $0)) })
    case .bfloat16: return .float(tensor.int32Data.map { floatFromBFloat16Bits(UInt16(truncatingIfNeeded: $0)) })
    case .bool: return .int64(tensor.int32Data.map { $0 != 0 ? 1 : 0 })
    default: return .int64(tensor.int32Data.map { Int64($0) })
    }
  }
}

/// Validates dims (no negatives, no overflow, at most limits.maxElements) before anything is
/// allocated and returns them as Ints with the element count (1 for a scalar). The product of
/// the non-zero dims must fit too, so that later partial products of an empty tensor's dims
/// (e.g. [0, 2^40, 2^40]) cannot overflow either.
func checkedShape(_ dims: [Int64], tensor: String, limits: ONNXLoadLimits) throws -> ([Int], Int) {
  var nonZeroProduct = 1
  for dim in dims {
    guard dim >= 0 else { throw ONNXFormatError(.negativeDimension(tensor: tensor, dims: dims)) }
    guard dim != 0 else { continue }
    let (product, overflow) = nonZeroProduct.multipliedReportingOverflow(by: Int(dim))
    guard !overflow else { throw ONNXFormatError(.elementCountOverflow(tensor: tensor, dims: dims)) }
    nonZeroProduct = product
  }
  let count = dims.contains(0) ? 0 : nonZeroProduct
  guard count <= limits.maxElements else {
    throw ONNXFormatError(.tooManyElements(tensor: tensor, count: count, limit: limits.maxElements))
  }
  return (dims.map { Int($0) }, count)
}
