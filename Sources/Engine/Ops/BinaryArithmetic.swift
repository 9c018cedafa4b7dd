import Foundation

/// Add, Sub, Mul, Div, Pow, Min, Max and Mod with ONNX (NumPy) broadcasting. One class: they differ
/// only in the scalar function f(a, b) and its partial derivatives (∂f/∂a, ∂f/∂b).
/// - Pow: ∂/∂a = b·a^(b−1), ∂/∂b = a^b·ln a (0 where a ≤ 0, where the real power has no derivative in b).
/// - Min, Max: the gradient goes to the chosen operand, split in half on ties (as torch.minimum/maximum).
/// - Mod (ONNX Mod): `fmod` = C fmod (sign of the dividend, a − b·trunc(a/b)); `mod` (fmod = 0, defined
///   for integers) = a − b·⌊a/b⌋ (sign of the divisor). ∂/∂a = 1, ∂/∂b = −trunc(a/b) or −⌊a/b⌋.
public final class BinaryArithmetic: Op, ExecutableOp, @unchecked Sendable {
  public let traits: OpTraits = .pointwise
  public enum Kind: String, Sendable {
    case add = "Add", sub = "Sub", mul = "Mul", div = "Div", pow = "Pow", min = "Min", max = "Max"
    case mod = "Mod", fmod = "Mod (fmod)"
  }
  public let kind: Kind
  public var typeName: String { kind == .fmod ? "Mod" : kind.rawValue }
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
    case .pow: return b == 2 ? a * a : Foundation.pow(a, b)
    case .min: return Swift.min(a, b)
    case .max: return Swift.max(a, b)
    case .mod: return a - b * (a / b).rounded(.down)
    case .fmod: return fmodf(a, b)
    }
  }

  /// (∂f/∂a, ∂f/∂b) at (a, b).
  @inline(__always)
  func partials(_ a: Float, _ b: Float) -> (Float, Float) {
    switch kind {
    case .add: return (1, 1)
    case .sub: return (1, -1)
    case .mul: return (b, a)
    case .div: return (1 / b, -a / (b * b))
    case .pow: return (b == 2 ? 2 * a : b * Foundation.pow(a, b - 1), a > 0 ? Foundation.pow(a, b) * log(a) : 0)
    case .min: return a == b ? (0.5, 0.5) : (a < b ? (1, 0) : (0, 1))
    case .max: return a == b ? (0.5, 0.5) : (a > b ? (1, 0) : (0, 1))
    case .mod: return (1, -(a / b).rounded(.down))
    case .fmod: return (1, -(a / b).rounded(.towardZero))
    }
  }

  func forward(_ inputs: [Value]) throws -> [Value] {
    let a = inputs[0], b = inputs[1]
    if a.shape == b.shape, a.shape.count == 4 {
      return [try Elementwise.zip(a, b, apply)]  // same shape: storage-wise, in a's layout
    }
    if Broadcasting.isPerChannel(b.shape, of: a.shape) { return [try perChannel(full: a, small: b, fullFirst: true)] }
    if Broadcasting.isPerChannel(a.shape, of: b.shape) { return [try perChannel(full: b, small: a, fullFirst: false)] }
    return [try Broadcasting.binary(a, b, apply)]
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
    var grads: [Value?] = [nil, nil]
    for operand in 0..<2 where pass.needsGradient[operand] {
      grads[operand] = Broadcasting.operandGradient(outShape: outShape, to: operand == 0 ? a.shape : b.shape) { i in
        let d = partials(pa[offsetsA[i]], pb[offsetsB[i]])
        return g[i] * (operand == 0 ? d.0 : d.1)
      }
    }
    return grads
  }

  /// Operands of equal shape (residual additions): element-wise over the storage of the gradient's
  /// layout; Add and Sub pass the gradient itself on.
  private func sameShapeBackward(_ pass: BackwardPass, _ dy: Value) throws -> [Value?] {
    var grads: [Value?] = [nil, nil]
    if kind == .add || kind == .sub {
      if pass.needsGradient[0] { grads[0] = dy }
      if pass.needsGradient[1] { grads[1] = kind == .add ? dy : Elementwise.map(dy) { -$0 } }
      return grads
    }
    let a = try Reorder.value(pass.inputs[0], to: dy.layout), b = try Reorder.value(pass.inputs[1], to: dy.layout)
    defer { withExtendedLifetime((a, b, dy)) {} }  // pooled buffers: keep alive while their pointers are used
    let pa = a.buffer.pointer, pb = b.buffer.pointer, g = dy.buffer.pointer
    for operand in 0..<2 where pass.needsGradient[operand] {
      let out = FloatBuffer(uninitializedCount: dy.buffer.count)
      for i in 0..<dy.buffer.count {
        let d = partials(pa[i], pb[i])
        out.pointer[i] = g[i] * (operand == 0 ? d.0 : d.1)
      }
      let gradient = Value(shape: dy.shape, layout: dy.layout, buffer: out)
      Elementwise.zeroPadding(gradient)  // 0/0 in padding lanes (Div, Pow) must not leak
      grads[operand] = gradient
    }
    return grads
  }
}
