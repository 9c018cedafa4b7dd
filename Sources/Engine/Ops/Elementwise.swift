/// Element-wise kernels shared by the activation and arithmetic ops. They work on the storage
/// of either layout: for the blocked layout, padded channel lanes stay zero (ops with f(0) ≠ 0,
/// such as Sigmoid, re-zero them) because oneDNN primitives may read them.
enum Elementwise {
  /// y = f(x) over every stored float, padding restored to zero.
  @inline(__always)
  static func map(_ x: Value, _ f: (Float) -> Float) -> Value {
    let out = FloatBuffer(uninitializedCount: x.buffer.count)
    let source = x.buffer.pointer, target = out.pointer
    for i in 0..<x.buffer.count { target[i] = f(source[i]) }
    let result = Value(shape: x.shape, layout: x.layout, buffer: out)
    if x.layout.isBlocked && f(0) != 0 { zeroPadding(result) }
    return result
  }

  /// z = f(x, y) over two values of the same shape and layout (e.g. gradient masks).
  static func zip(_ x: Value, _ y: Value, _ f: (Float, Float) -> Float) throws -> Value {
    let y = try Reorder.value(y, to: x.layout)
    guard x.shape == y.shape else { throw EngineError("element-wise shapes differ: \(x.shape) and \(y.shape)") }
    let out = FloatBuffer(uninitializedCount: x.buffer.count)
    defer { withExtendedLifetime(y) {} }  // pooled buffers: keep alive while their pointers are used
    let a = x.buffer.pointer, b = y.buffer.pointer, target = out.pointer
    for i in 0..<x.buffer.count { target[i] = f(a[i], b[i]) }
    let result = Value(shape: x.shape, layout: x.layout, buffer: out)
    if x.layout.isBlocked && f(0, 0) != 0 { zeroPadding(result) }
    return result
  }

  /// x + y, same shape (layouts aligned to x's).
  static func sum(_ x: Value, _ y: Value) throws -> Value { try zip(x, y, +) }

  /// Sets the padded channel lanes of a blocked value to zero.
  static func zeroPadding(_ value: Value) {
    guard let width = value.layout.blockWidth else { return }
    let channels = value.shape[1]
    let padded = Value.paddedChannels(channels, width: width)
    guard padded != channels else { return }
    let spatial = value.shape[2] * value.shape[3]
    let blocks = padded / width
    let base = value.buffer.pointer
    for item in 0..<value.shape[0] {
      let lastBlock = base + ((item * blocks + blocks - 1) * spatial) * width
      for position in 0..<spatial {
        for lane in (channels % width)..<width { lastBlock[position * width + lane] = 0 }
      }
    }
  }
}

/// Helpers for element-wise activations: each op passes its own closure literal, so the
/// compiler inlines and vectorises the loop (a protocol requirement per element would not be).
extension Elementwise {
  /// The forward of an activation: y = f(x).
  @inline(__always)
  static func activation(_ inputs: [Value], _ f: (Float) -> Float) -> [Value] { [map(inputs[0], f)] }

  /// The backward of an activation: dx = g(x, y, dy), padding lanes kept at zero.
  @inline(__always)
  static func activationGradient(_ pass: BackwardPass, _ g: (Float, Float, Float) -> Float) throws -> [Value?] {
    guard let dy = pass.outputGradients[0] else { return [nil] }
    let x = pass.inputs[0], y = pass.outputs[0]
    let dyAligned = try Reorder.value(dy, to: x.layout)
    let out = FloatBuffer(uninitializedCount: x.buffer.count)
    defer { withExtendedLifetime(dyAligned) {} }  // pooled buffers: keep alive while their pointers are used
    let xs = x.buffer.pointer, ys = y.buffer.pointer, gs = dyAligned.buffer.pointer, target = out.pointer
    for i in 0..<x.buffer.count { target[i] = g(xs[i], ys[i], gs[i]) }
    let result = Value(shape: x.shape, layout: x.layout, buffer: out)
    zeroPadding(result)
    return [result]
  }
}

/// Shape rule shared by the element-wise activations: the output has the input's shape.
public protocol ElementwiseActivation: Op {}

extension ElementwiseActivation {
  public func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] { [inputShapes[0]] }
}
