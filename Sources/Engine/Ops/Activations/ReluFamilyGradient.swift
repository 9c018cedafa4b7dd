/// The backward of ReLU-like units (Relu, and Clip when the rule applies to it) under the pass's rule.
///
/// The mask comes from the unit's OUTPUT y, not its input x, so that a gradient run may fuse the
/// unit into the convolution before it and never keep x (`ForwardMode.gradients`):
/// - ReLU, y = max(x, 0): y > 0 ⟺ x > 0 (x ≤ 0 gives y = 0 exactly).
/// - Clip, y = min(max(x, low), high) with low < high: low < y < high ⟺ low < x < high (x ≤ low gives
///   y = low, x ≥ high gives y = high; in between y = x). With low ≥ high, y = high for every x and
///   both masks are empty.
/// One pass over y and the arriving gradient g (two for guided), written into g's own buffer when
/// nothing else holds it.
extension Elementwise {
  /// dx for a unit whose forward mask is `low < x < high` (ReLU: low 0, high +∞) under `rule`.
  /// On oneDNN's eltwise backward (`*_use_dst_for_bwd`, OpenMP threads), guided and deconvnet composed
  /// with relu(g) first; Swift loops for shapes oneDNN does not describe (rank 0 or above 5, empty).
  /// Measured on EfficientNet-Lite0's 33 ReLU6 at batch 16 (394 MB of outputs), standard rule: oneDNN
  /// 28-56 ms natively and 38 ms under AVX2, the single-threaded Swift loop 62-64 ms; at batch 1 (in
  /// cache) 1.3 against 2.3 ms natively.
  static func reluFamilyGradient(_ pass: BackwardPass, low: Float, high: Float, rule: ReluRule) throws -> [Value?] {
    let y = pass.outputs[0]
    guard (1...5).contains(y.shape.count), y.count > 0 else { return try reluFamilyGradientLoop(pass, low: low, high: high, rule: rule) }
    guard let (dy, writable) = try writableGradient(pass, output: 0, layout: y.layout) else { return [nil] }
    let dx = writable ? dy : Value(uninitialized: dy.shape, layout: dy.layout)
    switch rule {
    case .standard:
      try EltwisePrimitives.maskFromOutput(y: y, gradient: dy, into: dx, low: low, high: high)
    case .guided:
      try EltwisePrimitives.positivePart(dy, into: dx)
      try EltwisePrimitives.maskFromOutput(y: y, gradient: dx, into: dx, low: low, high: high)
    case .deconvnet:
      try EltwisePrimitives.positivePart(dy, into: dx)
    }
    zeroPadding(dx)  // padding lanes: y = 0 there, but a Clip with low < 0 < high passes g's
    return [dx]
  }

  /// The same in Swift loops, one per rule so that each vectorises.
  static func reluFamilyGradientLoop(_ pass: BackwardPass, low: Float, high: Float, rule: ReluRule) throws -> [Value?] {
    switch rule {
    case .standard:
      return try gradientFromOutput(pass) { y, g in y > low && y < high ? g : 0 }
    case .guided:
      return try gradientFromOutput(pass) { y, g in y > low && y < high && g > 0 ? g : 0 }
    case .deconvnet:
      return try gradientFromOutput(pass) { _, g in max(g, 0) }
    }
  }

  /// dx = f(y, g) element by element over the storage of y's layout (padding lanes zeroed after).
  /// In place when the pass held the only reference to g's buffer: one read of y and g, one write.
  /// The two loops are separate so that each vectorises (one loop serving both would need a runtime
  /// overlap check that fails exactly when the buffers are the same, falling back to scalar code).
  @inline(__always)
  static func gradientFromOutput(_ pass: BackwardPass, _ f: (_ y: Float, _ g: Float) -> Float) throws -> [Value?] {
    let y = pass.outputs[0]
    guard let (dy, inPlace) = try writableGradient(pass, output: 0, layout: y.layout) else { return [nil] }
    let count = y.buffer.count
    guard dy.shape == y.shape, dy.buffer.count == count else {
      throw EngineError("gradient of shape \(dy.shape) arrives at an output of shape \(y.shape)")
    }
    defer { withExtendedLifetime((y, dy)) {} }  // pooled buffers: keep alive while their pointers are used
    let ys = y.buffer.pointer, gs = dy.buffer.pointer
    if inPlace {
      for i in 0..<count { gs[i] = f(ys[i], gs[i]) }
      zeroPadding(dy)
      return [dy]
    }
    let out = FloatBuffer(uninitializedCount: count)
    let target = out.pointer
    for i in 0..<count { target[i] = f(ys[i], gs[i]) }
    let result = Value(shape: y.shape, layout: y.layout, buffer: out)
    zeroPadding(result)
    return [result]
  }

  /// The gradient arriving at output `output`, in `layout`, taken out of the pass, and whether the
  /// caller may overwrite its buffer: true when no one else holds it (not the trace, not another
  /// tensor's gradient such as the other operand of an Add, which passes one buffer to both).
  static func writableGradient(_ pass: BackwardPass, output: Int, layout: Layout) throws -> (gradient: Value, writable: Bool)? {
    var taken = pass.takeOutputGradient(output)
    if let arriving = taken, arriving.layout != layout { taken = try Reorder.value(arriving, to: layout) }
    guard let shape = taken?.shape, var buffer = taken?.buffer else { return nil }
    taken = nil  // only `buffer` (and whoever else shares it) holds the buffer now
    let writable = isKnownUniquelyReferenced(&buffer)
    return (Value(shape: shape, layout: layout, buffer: buffer), writable)
  }
}
