// Constant folding of the ops that create or compute values (ONNX operator spec, opsets 13-21):
// Constant, ConstantOfShape, Cast, Range, Add/Sub/Mul/Div on int64, Equal, Where.
// A nil result means "this variant is not folded": the node stays in the graph.

enum FoldValueOps {
  /// Constant: value (tensor), value_float(s) or value_int(s); string and sparse values stay nodes.
  static func constant(_ node: ONNXNode) -> ONNXConstant? {
    if let tensor = node.tensorAttribute("value") { return tensor }
    switch node.attributes["value_float"] ?? node.attributes["value_int"] ?? node.attributes["value_floats"]
      ?? node.attributes["value_ints"]
    {
    case .float(let value)?: return ONNXConstant(shape: [], floats: [value])
    case .int(let value)?: return ONNXConstant(shape: [], int64s: [Int64(value)])
    case .floats(let values)?: return ONNXConstant(shape: [values.count], floats: values)
    case .ints(let values)?: return ONNXConstant(shape: [values.count], int64s: values.map { Int64($0) })
    default: return nil
    }
  }

  /// ConstantOfShape(shape): a tensor of that shape filled with the one-element `value` (default float 0).
  static func constantOfShape(_ node: ONNXNode, shape requested: ONNXConstant, limit: Int) throws -> ONNXConstant {
    let shape = requested.intValues
    let count = try ConstantIndexing.checkedCount(shape, limit: limit)
    switch try (node.tensorAttribute("value") ?? ONNXConstant(shape: [1], floats: [0])).scalarValue("value") {
    case .float(let fill): return ONNXConstant(shape: shape, floats: [Float](repeating: fill[0], count: count))
    case .int64(let fill): return ONNXConstant(shape: shape, int64s: [Int64](repeating: fill[0], count: count))
    }
  }

  /// Cast(input), `to` attribute: floating targets give Float storage, integer and bool targets
  /// Int64 (floats truncated toward zero; bool = value != 0). Strings and complex are not folded.
  static func cast(_ node: ONNXNode, _ input: ONNXConstant) -> ONNXConstant? {
    guard let to = node.intAttribute("to"), let toFloat = TensorElementType.castsToFloat(code: to) else { return nil }
    if toFloat { return ONNXConstant(shape: input.shape, floats: input.floatValues) }
    if to == Int(TensorElementType.bool.rawValue) {
      return ONNXConstant(shape: input.shape, int64s: input.floatValues.map { $0 != 0 ? 1 : 0 })
    }
    return ONNXConstant(shape: input.shape, int64s: input.int64Values)
  }

  /// Range(start, limit, delta): count = max(ceil((limit - start) / delta), 0), values start + i * delta.
  static func range(start: ONNXConstant, limit end: ONNXConstant, delta: ONNXConstant, limit: Int) throws -> ONNXConstant {
    guard start.count == 1, end.count == 1, delta.count == 1 else { throw FoldingError("start, limit and delta must be scalars") }
    if start.isInteger && end.isInteger && delta.isInteger {
      let first = Int(start.int64Values[0]), stop = Int(end.int64Values[0]), step = Int(delta.int64Values[0])
      guard step != 0 else { throw FoldingError("delta is 0") }
      let (span, overflow) = stop.subtractingReportingOverflow(first)
      guard !overflow else { throw FoldingError("limit - start overflows") }
      // Int.min / -1 is the one quotient that overflows; its count is far past any limit anyway.
      let (quotient, quotientOverflow) = span.dividedReportingOverflow(by: step)
      guard !quotientOverflow else { throw FoldingError("Range(\(first), \(stop), \(step)) has too many elements") }
      let count = (span > 0) == (step > 0) && span != 0 ? quotient + (span % step != 0 ? 1 : 0) : 0
      _ = try ConstantIndexing.checkedCount([count], limit: limit)
      return ONNXConstant(shape: [count], int64s: (0..<count).map { Int64(first + $0 * step) })
    }
    let first = start.floatValues[0], stop = end.floatValues[0], step = delta.floatValues[0]
    let steps = ((stop - first) / step).rounded(.up)
    guard step != 0, steps.isFinite else { throw FoldingError("delta \(step) gives no finite element count") }
    let count = steps > 0 ? Int(exactly: steps) ?? Int.max : 0
    _ = try ConstantIndexing.checkedCount([count], limit: limit)
    return ONNXConstant(shape: [count], floats: (0..<count).map { first + Float($0) * step })
  }

  /// Add/Sub/Mul/Div of two int64 constants with broadcasting (shape arithmetic in torch
  /// exports). Wrapping arithmetic; Div truncates toward zero like onnxruntime. Floats are not folded.
  static func integerArithmetic(_ op: String, _ lhs: ONNXConstant, _ rhs: ONNXConstant, limit: Int) throws -> ONNXConstant? {
    guard lhs.isInteger, rhs.isInteger else { return nil }
    let combine: (Int64, Int64) throws -> Int64
    switch op {
    case "Add": combine = { $0 &+ $1 }
    case "Sub": combine = { $0 &- $1 }
    case "Mul": combine = { $0 &* $1 }
    case "Div":
      combine = { a, b in
        guard b != 0 else { throw FoldingError("integer division by zero") }
        return a.dividedReportingOverflow(by: b).partialValue
      }
    default: return nil
    }
    let (shape, left, right) = try broadcastPair(lhs, rhs, limit: limit)
    let a = lhs.int64Values, b = rhs.int64Values
    return ONNXConstant(shape: shape, int64s: try zip(left, right).map { try combine(a[$0], b[$1]) })
  }

  /// Equal(a, b) with broadcasting: bool as int64 0 / 1.
  static func equal(_ lhs: ONNXConstant, _ rhs: ONNXConstant, limit: Int) throws -> ONNXConstant {
    let (shape, left, right) = try broadcastPair(lhs, rhs, limit: limit)
    if lhs.isInteger && rhs.isInteger {
      let a = lhs.int64Values, b = rhs.int64Values
      return ONNXConstant(shape: shape, int64s: zip(left, right).map { a[$0] == b[$1] ? 1 : 0 })
    }
    let a = lhs.floatValues, b = rhs.floatValues
    return ONNXConstant(shape: shape, int64s: zip(left, right).map { a[$0] == b[$1] ? 1 : 0 })
  }

  /// Where(condition, x, y) with three-way broadcasting; int64 when x and y are, Float otherwise.
  static func select(condition: ONNXConstant, _ x: ONNXConstant, _ y: ONNXConstant, limit: Int) throws -> ONNXConstant {
    let shape = try ConstantIndexing.broadcastShape([condition.shape, x.shape, y.shape])
    _ = try ConstantIndexing.checkedCount(shape, limit: limit)
    let c = condition.floatValues.map { $0 != 0 }
    let ci = ConstantIndexing.broadcastIndices(from: condition.shape, to: shape)
    let xi = ConstantIndexing.broadcastIndices(from: x.shape, to: shape)
    let yi = ConstantIndexing.broadcastIndices(from: y.shape, to: shape)
    if x.isInteger && y.isInteger {
      let a = x.int64Values, b = y.int64Values
      return ONNXConstant(shape: shape, int64s: ci.indices.map { c[ci[$0]] ? a[xi[$0]] : b[yi[$0]] })
    }
    let a = x.floatValues, b = y.floatValues
    return ONNXConstant(shape: shape, floats: ci.indices.map { c[ci[$0]] ? a[xi[$0]] : b[yi[$0]] })
  }

  /// The broadcast shape of two constants and, per output element, the source index in each.
  private static func broadcastPair(_ lhs: ONNXConstant, _ rhs: ONNXConstant, limit: Int) throws -> ([Int], [Int], [Int]) {
    let shape = try ConstantIndexing.broadcastShape([lhs.shape, rhs.shape])
    _ = try ConstantIndexing.checkedCount(shape, limit: limit)
    return (shape, ConstantIndexing.broadcastIndices(from: lhs.shape, to: shape),
            ConstantIndexing.broadcastIndices(from: rhs.shape, to: shape))
  }
}
