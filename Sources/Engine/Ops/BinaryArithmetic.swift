/// Add, Sub, Mul and Div with ONNX broadcasting. One class: the four differ only in the scalar
/// function and its partial derivatives.
public final class BinaryArithmetic: Op, ExecutableOp, @unchecked Sendable {
  public enum Kind: String, Sendable { case add = "Add", sub = "Sub", mul = "Mul", div = "Div" }
  public let kind: Kind
  public var typeName: String { kind.rawValue }
  public let traits: OpTraits = .pointwise
  public init(_ kind: Kind) { self.kind = kind }

  public func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
    [try Broadcasting.shape(inputShapes[0], inputShapes[1])]
  }

  @inline(__always)
  func apply(_ a: Float, _ b: Float) -> Float {
    switch kind {
    case .add: return a + b
    case .sub: return a - b
    case .mul: return a * b
    case .div: return a / b
    }
  }

  func forward(_ inputs: [Value]) throws -> [Value] {
    let a = inputs[0], b = inputs[1]
    if a.shape == b.shape, a.shape.count == 4 {
      return [try Elementwise.zip(a, b, apply)]  // same shape: storage-wise, in a's layout
    }
    if Broadcasting.isPerChannel(b.shape, of: a.shape) { return [try perChannel(full: a, small: b, fullFirst: true)] }
    if Broadcasting.isPerChannel(a.shape, of: b.shape) { return [try perChannel(full: b, small: a, fullFirst: false)] }
    return [try general(a, b)]
  }

  /// [N, C, H, W] ∘ [N|1, C, 1, 1] in the full operand's layout (squeeze-excitation, biases).
  private func perChannel(full: Value, small: Value, fullFirst: Bool) throws -> Value {
    let smallPlain = try Reorder.value(small, to: .plain)
    let perItem = smallPlain.count == full.shape[1] ? 0 : full.shape[1]  // 0: shared across the batch
    let out = Value(zeros: full.shape, layout: full.layout)
    defer { withExtendedLifetime(smallPlain) {} }  // pooled buffers: keep alive while their pointers are used
    let scalars = smallPlain.buffer.pointer
    let source = full.buffer.pointer, target = out.buffer.pointer
    forEachChannel(full.shape, full.layout, source) { n, c, pointer, stride, count in
      let s = scalars[n * perItem + c]
      let offset = pointer - source
      for i in 0..<count {
        let x = pointer[i * stride]
        target[offset + i * stride] = fullFirst ? apply(x, s) : apply(s, x)
      }
    }
    return out
  }

  private func general(_ a: Value, _ b: Value) throws -> Value {
    let a = try Reorder.value(a, to: .plain), b = try Reorder.value(b, to: .plain)
    let outShape = try Broadcasting.shape(a.shape, b.shape)
    let offsetsA = Broadcasting.offsets(of: a.shape, in: outShape)
    let offsetsB = Broadcasting.offsets(of: b.shape, in: outShape)
    let out = Value(zeros: outShape)
    defer { withExtendedLifetime((a, b)) {} }  // pooled buffers: keep alive while their pointers are used
    let pa = a.buffer.pointer, pb = b.buffer.pointer, target = out.buffer.pointer
    for i in 0..<offsetsA.count { target[i] = apply(pa[offsetsA[i]], pb[offsetsB[i]]) }
    return out
  }

  /// ∂L/∂a = reduce(dy · ∂f/∂a), ∂L/∂b = reduce(dy · ∂f/∂b), summed over broadcast axes.
  func backward(_ pass: BackwardPass) throws -> [Value?] {
    guard let dyValue = pass.outputGradients[0] else { return [nil, nil] }
    if pass.inputs[0].shape == pass.inputs[1].shape { return try sameShapeBackward(pass, dyValue) }
    let a = try Reorder.value(pass.inputs[0], to: .plain), b = try Reorder.value(pass.inputs[1], to: .plain)
    let dy = try Reorder.value(dyValue, to: .plain)
    let outShape = dy.shape
    let offsetsA = Broadcasting.offsets(of: a.shape, in: outShape)
    let offsetsB = Broadcasting.offsets(of: b.shape, in: outShape)
    defer { withExtendedLifetime((a, b, dy)) {} }  // pooled buffers: keep alive while their pointers are used
    let pa = a.buffer.pointer, pb = b.buffer.pointer, g = dy.buffer.pointer
    var gradA: Value?, gradB: Value?
    if pass.needsGradient[0] {
      let full = FloatBuffer(count: offsetsA.count)
      for i in 0..<offsetsA.count {
        let y = pb[offsetsB[i]]
        switch kind {
        case .add, .sub: full.pointer[i] = g[i]
        case .mul: full.pointer[i] = g[i] * y
        case .div: full.pointer[i] = g[i] / y
        }
      }
      gradA = withExtendedLifetime(full) { Broadcasting.reduce(full.pointer, outShape: outShape, to: a.shape) }
    }
    if pass.needsGradient[1] {
      let full = FloatBuffer(count: offsetsB.count)
      for i in 0..<offsetsB.count {
        let x = pa[offsetsA[i]], y = pb[offsetsB[i]]
        switch kind {
        case .add: full.pointer[i] = g[i]
        case .sub: full.pointer[i] = -g[i]
        case .mul: full.pointer[i] = g[i] * x
        case .div: full.pointer[i] = -g[i] * x / (y * y)
        }
      }
      gradB = withExtendedLifetime(full) { Broadcasting.reduce(full.pointer, outShape: outShape, to: b.shape) }
    }
    return [gradA, gradB]
  }

  /// Operands of equal shape (residual additions): element-wise in the gradient's layout.
  private func sameShapeBackward(_ pass: BackwardPass, _ dy: Value) throws -> [Value?] {
    let a = pass.inputs[0], b = pass.inputs[1]
    var grads: [Value?] = [nil, nil]
    if pass.needsGradient[0] {
      switch kind {
      case .add, .sub: grads[0] = dy
      case .mul: grads[0] = try Elementwise.zip(dy, b) { g, y in g * y }
      case .div: grads[0] = try Elementwise.zip(dy, b) { g, y in g / y }
      }
    }
    if pass.needsGradient[1] {
      switch kind {
      case .add: grads[1] = dy
      case .sub: grads[1] = Elementwise.map(dy) { -$0 }
      case .mul: grads[1] = try Elementwise.zip(dy, a) { g, x in g * x }
      case .div:
        let quotient = try Elementwise.zip(a, b) { x, y in x / (y * y) }  // a / b²
        grads[1] = try Elementwise.zip(dy, quotient) { g, q in -g * q }
      }
    }
    return grads
  }
}
