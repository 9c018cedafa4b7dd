import Foundation

// Constant folding of element-wise math, comparisons and logic (ONNX operator spec, opsets 13-21),
// as torch exports compute attention scales (Shape -> Cast -> Sqrt -> Div), TF-"same" pads
// (Ceil, Mod, Max) and masks (Equal, Not, Less, Where) from shapes. Integer tensors (int64, and
// bool as 0 / 1) stay integer; floating ones are computed in Float32 like onnxruntime. A nil
// result means the variant is not folded and the node stays in the graph.

enum FoldMathOps {
  static let unaryOps: Set<String> = [
    "Sqrt", "Exp", "Log", "Erf", "Abs", "Neg", "Reciprocal", "Ceil", "Floor", "Round", "Sign", "Not", "Sin", "Cos",
  ]
  static let binaryOps: Set<String> = [
    "Pow", "Mod", "Less", "LessOrEqual", "Greater", "GreaterOrEqual", "And", "Or", "Xor",
  ]
  static let variadicOps: Set<String> = ["Min", "Max", "Sum"]

  /// Unary op on a constant.
  static func unary(_ op: String, _ x: ONNXConstant) -> ONNXConstant? {
    if op == "Not" { return ONNXConstant(shape: x.shape, int64s: x.int64Values.map { $0 == 0 ? 1 : 0 }) }
    if x.isInteger {
      let values = x.int64Values
      switch op {
      case "Abs": return ONNXConstant(shape: x.shape, int64s: values.map { $0 == .min ? .min : Swift.abs($0) })
      case "Neg": return ONNXConstant(shape: x.shape, int64s: values.map { 0 &- $0 })
      case "Sign": return ONNXConstant(shape: x.shape, int64s: values.map { $0.signum() })
      case "Ceil", "Floor", "Round": return x
      default: return nil  // Sqrt, Exp, ... are defined on floating types only
      }
    }
    let f: (Float) -> Float
    switch op {
    case "Sqrt": f = { $0.squareRoot() }
    case "Exp": f = { Foundation.exp($0) }
    case "Log": f = { Foundation.log($0) }
    case "Erf": f = { Foundation.erf($0) }
    case "Abs": f = { Swift.abs($0) }
    case "Neg": f = { -$0 }
    case "Reciprocal": f = { 1 / $0 }
    case "Ceil": f = { $0.rounded(.up) }
    case "Floor": f = { $0.rounded(.down) }
    case "Round": f = { $0.rounded(.toNearestOrEven) }
    case "Sign": f = { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }
    case "Sin": f = { Foundation.sin($0) }
    case "Cos": f = { Foundation.cos($0) }
    default: return nil
    }
    return ONNXConstant(shape: x.shape, floats: x.floatValues.map(f))
  }

  /// Binary op with broadcasting: Pow, Mod (attribute fmod), comparisons (bool results), logic.
  static func binary(_ node: ONNXNode, _ lhs: ONNXConstant, _ rhs: ONNXConstant, limit: Int) throws -> ONNXConstant? {
    let shape = try ConstantIndexing.broadcastShape([lhs.shape, rhs.shape])
    _ = try ConstantIndexing.checkedCount(shape, limit: limit)
    let left = ConstantIndexing.broadcastIndices(from: lhs.shape, to: shape)
    let right = ConstantIndexing.broadcastIndices(from: rhs.shape, to: shape)
    func compare(_ holds: (Double, Double) -> Bool) -> ONNXConstant {
      let a = lhs.isInteger ? lhs.int64Values.map(Double.init) : lhs.floatValues.map(Double.init)
      let b = rhs.isInteger ? rhs.int64Values.map(Double.init) : rhs.floatValues.map(Double.init)
      return ONNXConstant(shape: shape, int64s: zip(left, right).map { holds(a[$0], b[$1]) ? 1 : 0 })
    }
    switch node.opType {
    case "Less": return compare(<)
    case "LessOrEqual": return compare(<=)
    case "Greater": return compare(>)
    case "GreaterOrEqual": return compare(>=)
    case "And": return compare { $0 != 0 && $1 != 0 }
    case "Or": return compare { $0 != 0 || $1 != 0 }
    case "Xor": return compare { ($0 != 0) != ($1 != 0) }
    case "Pow":
      if lhs.isInteger && rhs.isInteger {
        let a = lhs.int64Values, b = rhs.int64Values
        return ONNXConstant(shape: shape, int64s: zip(left, right).map { Int64(exactly: Foundation.pow(Double(a[$0]), Double(b[$1])).rounded()) ?? 0 })
      }
      let a = lhs.floatValues, b = rhs.floatValues
      return ONNXConstant(shape: shape, floats: zip(left, right).map { Foundation.pow(a[$0], b[$1]) })
    case "Mod":
      let fmod = node.intAttribute("fmod") ?? 0
      if lhs.isInteger && rhs.isInteger {
        let a = lhs.int64Values, b = rhs.int64Values
        return ONNXConstant(shape: shape, int64s: try zip(left, right).map { i, j in
          guard b[j] != 0 else { throw FoldingError("integer Mod by zero") }
          let r = a[i].remainderReportingOverflow(dividingBy: b[j]).partialValue  // sign of the dividend (C)
          return fmod != 0 || r == 0 || (r < 0) == (b[j] < 0) ? r : r + b[j]     // fmod 0: sign of the divisor
        })
      }
      let a = lhs.floatValues, b = rhs.floatValues
      return ONNXConstant(shape: shape, floats: zip(left, right).map { i, j in
        fmod != 0 ? fmodf(a[i], b[j]) : a[i] - b[j] * (a[i] / b[j]).rounded(.down)
      })
    default: return nil
    }
  }

  /// Min, Max, Sum over any number of inputs with broadcasting.
  static func variadic(_ op: String, _ inputs: [ONNXConstant], limit: Int) throws -> ONNXConstant? {
    guard let first = inputs.first else { throw FoldingError("\(op) needs at least one input") }
    let shape = try ConstantIndexing.broadcastShape(inputs.map(\.shape))
    let count = try ConstantIndexing.checkedCount(shape, limit: limit)
    let maps = inputs.map { ConstantIndexing.broadcastIndices(from: $0.shape, to: shape) }
    if inputs.allSatisfy(\.isInteger) {
      let values = inputs.map(\.int64Values)
      let combine: (Int64, Int64) -> Int64 = op == "Min" ? { Swift.min($0, $1) } : op == "Max" ? { Swift.max($0, $1) } : { $0 &+ $1 }
      return ONNXConstant(shape: shape, int64s: (0..<count).map { i in
        (1..<values.count).reduce(values[0][maps[0][i]]) { combine($0, values[$1][maps[$1][i]]) }
      })
    }
    _ = first
    let values = inputs.map(\.floatValues)
    let combine: (Float, Float) -> Float = op == "Min" ? { Swift.min($0, $1) } : op == "Max" ? { Swift.max($0, $1) } : { $0 + $1 }
    return ONNXConstant(shape: shape, floats: (0..<count).map { i in
      (1..<values.count).reduce(values[0][maps[0][i]]) { combine($0, values[$1][maps[$1][i]]) }
    })
  }

  /// Add/Sub/Mul/Div of two floating constants with broadcasting (Float32, as onnxruntime).
  static func floatArithmetic(_ op: String, _ lhs: ONNXConstant, _ rhs: ONNXConstant, limit: Int) throws -> ONNXConstant? {
    let combine: (Float, Float) -> Float
    switch op {
    case "Add": combine = { $0 + $1 }
    case "Sub": combine = { $0 - $1 }
    case "Mul": combine = { $0 * $1 }
    case "Div": combine = { $0 / $1 }
    default: return nil
    }
    let shape = try ConstantIndexing.broadcastShape([lhs.shape, rhs.shape])
    _ = try ConstantIndexing.checkedCount(shape, limit: limit)
    let left = ConstantIndexing.broadcastIndices(from: lhs.shape, to: shape)
    let right = ConstantIndexing.broadcastIndices(from: rhs.shape, to: shape)
    let a = lhs.floatValues, b = rhs.floatValues
    return ONNXConstant(shape: shape, floats: zip(left, right).map { combine(a[$0], b[$1]) })
  }

  /// ReduceSum / ReduceProd / ReduceMax / ReduceMin / ReduceMean of a constant over `axes` (the
  /// attribute, or input 1 from opset 18 (13 for ReduceSum)); all axes when none are given, unless
  /// noop_with_empty_axes.
  static func reduce(_ node: ONNXNode, _ data: ONNXConstant, axes axesInput: ONNXConstant?) throws -> ONNXConstant? {
    let rank = data.shape.count
    let listed = axesInput?.intValues ?? node.intsAttribute("axes") ?? []
    if listed.isEmpty && (node.intAttribute("noop_with_empty_axes") ?? 0) != 0 { return data }
    let axes = Set(try (listed.isEmpty ? Array(0..<rank) : listed).map { try ConstantIndexing.normalizedAxis($0, rank: rank) })
    let kept = data.shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
    let keepDims = (node.intAttribute("keepdims") ?? 1) != 0
    let shape = keepDims ? kept : data.shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
    let groups = ConstantIndexing.broadcastIndices(from: kept, to: data.shape)
    let outCount = kept.reduce(1, *), n = Double(data.count) / Double(Swift.max(outCount, 1))
    func fold(_ values: [Double]) -> [Double] {
      var out = [Double](repeating: node.opType == "ReduceProd" ? 1 : 0, count: outCount)
      var seen = [Bool](repeating: false, count: outCount)
      for (i, value) in values.enumerated() {
        let o = groups[i]
        switch node.opType {
        case "ReduceProd": out[o] *= value
        case "ReduceMax": out[o] = seen[o] ? Swift.max(out[o], value) : value
        case "ReduceMin": out[o] = seen[o] ? Swift.min(out[o], value) : value
        default: out[o] += value
        }
        seen[o] = true
      }
      return node.opType == "ReduceMean" ? out.map { $0 / n } : out
    }
    if data.isInteger {
      guard node.opType != "ReduceMean" else { return nil }
      return ONNXConstant(shape: shape, int64s: fold(data.int64Values.map(Double.init)).map { Int64(exactly: $0) ?? 0 })
    }
    return ONNXConstant(shape: shape, floats: fold(data.floatValues.map(Double.init)).map(Float.init))
  }

  /// Clip(x, min?, max?) (opset 11+: bounds as optional scalar inputs).
  static func clip(_ x: ONNXConstant, low: ONNXConstant?, high: ONNXConstant?) throws -> ONNXConstant {
    if x.isInteger {
      let lo = low?.int64Values.first ?? .min, hi = high?.int64Values.first ?? .max
      return ONNXConstant(shape: x.shape, int64s: x.int64Values.map { Swift.min(Swift.max($0, lo), hi) })
    }
    let lo = low?.floatValues.first ?? -.infinity, hi = high?.floatValues.first ?? .infinity
    return ONNXConstant(shape: x.shape, floats: x.floatValues.map { Swift.min(Swift.max($0, lo), hi) })
  }

  /// CumSum(x, axis): running sums along `axis`; `exclusive` starts from 0, `reverse` runs backwards.
  static func cumulativeSum(_ node: ONNXNode, _ x: ONNXConstant, axis: ONNXConstant) throws -> ONNXConstant {
    guard let raw = axis.intValues.first, axis.count == 1 else { throw FoldingError("axis must hold one value") }
    let a = try ConstantIndexing.normalizedAxis(raw, rank: x.shape.count)
    let exclusive = (node.intAttribute("exclusive") ?? 0) != 0, reverse = (node.intAttribute("reverse") ?? 0) != 0
    let size = x.shape[a], inner = x.shape[(a + 1)...].reduce(1, *), outer = x.shape[..<a].reduce(1, *)
    func scan<T>(_ values: [T], zero: T, _ add: (T, T) -> T) -> [T] {
      var result = values
      for o in 0..<outer {
        for i in 0..<inner {
          var total = zero
          for step in 0..<size {
            let j = reverse ? size - 1 - step : step, index = (o * size + j) * inner + i
            if exclusive { result[index] = total; total = add(total, values[index]) } else { total = add(total, values[index]); result[index] = total }
          }
        }
      }
      return result
    }
    return x.isInteger ? ONNXConstant(shape: x.shape, int64s: scan(x.int64Values, zero: 0, &+))
                       : ONNXConstant(shape: x.shape, floats: scan(x.floatValues, zero: 0, +))
  }

  /// BatchNormalization of a constant [N, C, ...] (weight standardisation in NFNets' ScaledStdConv):
  /// y = scale·(x − μ)/√(σ² + ε) + bias per channel, with the given μ, σ², or with training_mode = 1
  /// the batch's own (over every axis but 1, biased variance) and the running statistics as the
  /// further outputs, input·momentum + current·(1 − momentum) (ONNX operator spec, opset 15).
  static func batchNormalization(_ node: ONNXNode, _ inputs: [ONNXConstant]) throws -> [ONNXConstant] {
    guard inputs.count == 5, inputs[0].shape.count >= 2 else { throw FoldingError("needs X [N, C, ...], scale, B, mean and var") }
    let x = inputs[0].floatValues, shape = inputs[0].shape, channels = shape[1]
    let inner = shape[2...].reduce(1, *), count = max(x.count / max(channels, 1), 1)
    guard inputs[1...].allSatisfy({ $0.count == channels }) else { throw FoldingError("parameters do not have \(channels) values") }
    let (scale, bias) = (inputs[1].floatValues, inputs[2].floatValues)
    let epsilon = Double(node.floatAttribute("epsilon") ?? 1e-5), momentum = node.floatAttribute("momentum") ?? 0.9
    let training = (node.intAttribute("training_mode") ?? 0) != 0
    var mean = inputs[3].floatValues.map(Double.init), variance = inputs[4].floatValues.map(Double.init)
    if training {
      for c in 0..<channels {
        var sum = 0.0, squares = 0.0
        for n in 0..<shape[0] { for i in 0..<inner { let v = Double(x[(n * channels + c) * inner + i]); sum += v; squares += v * v } }
        mean[c] = sum / Double(count)
        variance[c] = max(squares / Double(count) - mean[c] * mean[c], 0)
      }
    }
    var y = [Float](repeating: 0, count: x.count)
    for (index, value) in x.enumerated() {
      let c = index / inner % channels
      y[index] = Float(Double(scale[c]) * (Double(value) - mean[c]) / (variance[c] + epsilon).squareRoot() + Double(bias[c]))
    }
    let outputs = [ONNXConstant(shape: shape, floats: y)]
    guard training else { return outputs }
    let running = { (given: ONNXConstant, current: [Double]) in
      ONNXConstant(shape: given.shape, floats: zip(given.floatValues, current).map { $0 * momentum + Float($1) * (1 - momentum) })
    }
    return outputs + [running(inputs[3], mean), running(inputs[4], variance)]
  }
}
