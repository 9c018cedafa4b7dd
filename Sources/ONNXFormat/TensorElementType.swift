// The TensorProto.DataType codes this loader reads, where their values live in a TensorProto, and
// the names of all codes for error messages. Codes from onnx.proto (TensorProto.DataType).

/// A tensor element type that can be widened to Float32 or Int64.
enum TensorElementType: Int32, Sendable {
  case float32 = 1, uint8 = 2, int8 = 3, uint16 = 4, int16 = 5, int32 = 6, int64 = 7
  case bool = 9, float16 = 10, float64 = 11, bfloat16 = 16

  /// Bytes per element in raw_data and external data.
  var byteWidth: Int {
    switch self {
    case .uint8, .int8, .bool: return 1
    case .uint16, .int16, .float16, .bfloat16: return 2
    case .float32, .int32: return 4
    case .int64, .float64: return 8
    }
  }

  /// True when the loader stores the values as Float (otherwise as Int64).
  var isFloatingPoint: Bool {
    switch self {
    case .float32, .float16, .bfloat16, .float64: return true
    default: return false
    }
  }

  /// The typed repeated field that holds the values when raw_data is absent (onnx.proto comments
  /// on TensorProto: 16-bit floats, bools and small ints are stored one per int32_data entry).
  var typedFieldName: String {
    switch self {
    case .float32: return "float_data"
    case .int64: return "int64_data"
    case .float64: return "double_data"
    default: return "int32_data"
    }
  }

  /// The ONNX name of any data type code, e.g. "STRING" for 8.
  static func onnxName(of code: Int32) -> String {
    let names = [
      "UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32", "INT64", "STRING", "BOOL",
      "FLOAT16", "DOUBLE", "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16", "FLOAT8E4M3FN",
      "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ", "UINT4", "INT4", "FLOAT4E2M1", "FLOAT8E8M0",
      "UINT2", "INT2", "FLOAT6E2M3", "FLOAT6E3M2",
    ]
    if code >= 0, Int(code) < names.count { return names[Int(code)] }
    return "unknown type code \(code)"
  }

  /// Whether the ONNX type code is floating point (for Cast's `to`), nil for codes that are neither
  /// a float nor an integer/bool type (strings, complex).
  static func castsToFloat(code: Int) -> Bool? {
    switch code {
    case 1, 10, 11, 16, 17, 18, 19, 20, 23, 24, 27, 28: return true
    case 2, 3, 4, 5, 6, 7, 9, 12, 13, 21, 22, 25, 26: return false
    default: return nil
    }
  }
}

/// What ONNX Cast makes of a tensor, by its `to` type code.
public enum CastKind: Sendable, Equatable {
  case floating, integer, bool

  /// nil for codes that are neither a floating, integer nor bool type (strings, complex, unknown).
  public init?(typeCode code: Int) {
    guard let floating = TensorElementType.castsToFloat(code: code) else { return nil }
    self = floating ? .floating : (code == Int(TensorElementType.bool.rawValue) ? .bool : .integer)
  }
}

/// IEEE 754 binary16 bits to Float32. Exact: every half value is representable in Float32.
/// Layout (IEEE 754-2008): 1 sign bit, 5 exponent bits (bias 15), 10 mantissa bits.
@inline(__always)
func floatFromHalfBits(_ bits: UInt16) -> Float {
  let sign: UInt32 = UInt32(bits & 0x8000) << 16
  let exponent = UInt32((bits >> 10) & 0x1F)
  let mantissa = UInt32(bits & 0x3FF)
  if exponent == 0 {
    // Zero or subnormal: mantissa * 2^-24.
    let magnitude = Float(mantissa) * 0x1p-24
    return sign != 0 ? -magnitude : magnitude
  }
  if exponent == 0x1F {
    // Inf or NaN: keep the payload.
    return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
  }
  // Normal: rebias 15 -> 127 (add 112) and widen the mantissa 10 -> 23 bits.
  return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
}

/// bfloat16 bits are the top half of a Float32.
@inline(__always)
func floatFromBFloat16Bits(_ bits: UInt16) -> Float {
  Float(bitPattern: UInt32(bits) << 16)
}
