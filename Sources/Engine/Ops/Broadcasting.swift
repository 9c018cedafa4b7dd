/// NumPy-style broadcasting (as ONNX's multidirectional broadcasting) on plain values.
enum Broadcasting {
  /// The broadcast shape of `a` and `b`, or an error naming both.
  static func shape(_ a: [Int], _ b: [Int]) throws -> [Int] {
    let rank = max(a.count, b.count)
    let a = [Int](repeating: 1, count: rank - a.count) + a
    let b = [Int](repeating: 1, count: rank - b.count) + b
    return try (0..<rank).map { axis in
      if a[axis] == b[axis] || b[axis] == 1 { return a[axis] }
      if a[axis] == 1 { return b[axis] }
      throw EngineError("shapes \(a) and \(b) cannot be broadcast together")
    }
  }

  /// For each element of `outShape` (row-major), the offset of the element of `shape` it reads.
  static func offsets(of shape: [Int], in outShape: [Int]) -> [Int] {
    let rank = outShape.count
    let padded = [Int](repeating: 1, count: rank - shape.count) + shape
    let sourceStrides = Tensor.strides(of: padded).enumerated().map { padded[$0.offset] == 1 ? 0 : $0.element }
    let total = outShape.reduce(1, *)
    var result = [Int](repeating: 0, count: total)
    guard total > 0 else { return result }
    var index = [Int](repeating: 0, count: rank)
    var offset = 0
    for position in 0..<total {
      result[position] = offset
      var axis = rank - 1
      while axis >= 0 {
        index[axis] += 1
        offset += sourceStrides[axis]
        if index[axis] < outShape[axis] { break }
        offset -= sourceStrides[axis] * index[axis]
        index[axis] = 0
        axis -= 1
      }
    }
    return result
  }

  /// Sums `gradient` (of shape `outShape`) down to `shape`, undoing a broadcast.
  static func reduce(_ gradient: UnsafePointer<Float>, outShape: [Int], to shape: [Int]) -> Value {
    let result = Value(zeros: shape)
    let target = result.buffer.pointer
    let map = offsets(of: shape, in: outShape)
    for (position, offset) in map.enumerated() { target[offset] += gradient[position] }
    return result
  }

  /// z = f(a, b) with broadcasting, on plain copies of the operands: [broadcast(a, b)].
  static func binary(_ a: Value, _ b: Value, _ f: (Float, Float) -> Float) throws -> Value {
    let a = try Reorder.value(a, to: .plain), b = try Reorder.value(b, to: .plain)
    let outShape = try shape(a.shape, b.shape)
    let offsetsA = offsets(of: a.shape, in: outShape), offsetsB = offsets(of: b.shape, in: outShape)
    let out = Value(uninitialized: outShape)
    defer { withExtendedLifetime((a, b)) {} }  // pooled buffers: keep alive while their pointers are used
    let pa = a.buffer.pointer, pb = b.buffer.pointer, target = out.buffer.pointer
    for i in 0..<offsetsA.count { target[i] = f(pa[offsetsA[i]], pb[offsetsB[i]]) }
    return out
  }

  /// The gradient of one operand of a broadcast op: Σ over broadcast axes of `local(i)` for each
  /// output element i, as a value of the operand's `shape`.
  static func operandGradient(outShape: [Int], to shape: [Int], _ local: (Int) -> Float) -> Value {
    let full = FloatBuffer(uninitializedCount: outShape.reduce(1, *))
    for i in 0..<full.count { full.pointer[i] = local(i) }
    if shape == outShape { return Value(shape: shape, layout: .plain, buffer: full) }
    return withExtendedLifetime(full) { reduce(full.pointer, outShape: outShape, to: shape) }
  }

  /// Channel-broadcast form: true when `small` is [C,1,1], [1,C,1,1] or [N,C,1,1] against a 4-D `full`.
  static func isPerChannel(_ small: [Int], of full: [Int]) -> Bool {
    guard full.count == 4 else { return false }
    let padded = [Int](repeating: 1, count: 4 - min(small.count, 4)) + small.suffix(4)
    guard small.count <= 4, padded[2] == 1, padded[3] == 1 else { return false }
    return padded[1] == full[1] && (padded[0] == 1 || padded[0] == full[0]) && (full[2] * full[3] > 1)
  }
}
