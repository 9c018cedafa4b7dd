import Foundation

/// Softmax and LogSoftmax, numerically stabilised by subtracting the maximum. Along one axis (ONNX
/// opset ≥ 13), or, with `coercedTo2D` (opsets < 13), over all of x[axis...] at once: x is read as the
/// 2-D [prod(x[..<axis]), prod(x[axis...])] and each row is normalised.
/// Backward: softmax dx = y ⊙ (dy − Σ dy·y); log-softmax dx = dy − eʸ Σ dy.
public final class Softmax: Op, ExecutableOp, @unchecked Sendable {
  public let axis: Int
  public let logarithmic: Bool
  public let coercedTo2D: Bool
  public var typeName: String { logarithmic ? "LogSoftmax" : "Softmax" }
  /// Softmax over the last axis (−1; the importer writes rank − 1 as −1, since the op does not know
  /// the rank) is what attention probabilities over the keys look like.
  public var traits: OpTraits { logarithmic || axis != -1 ? .scoreNormalisation : [.scoreNormalisation, .softmaxOverLastAxis] }
  public init(axis: Int = -1, logarithmic: Bool = false, coercedTo2D: Bool = false) {
    self.axis = axis
    self.logarithmic = logarithmic
    self.coercedTo2D = coercedTo2D
  }

  public func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
    _ = try normalizedAxis(axis, rank: inputShapes[0].count, op: typeName)
    return [inputShapes[0]]
  }

  /// Calls body(base, stride, count) for every 1-D line along the axis.
  private func lines(_ shape: [Int], _ body: (Int, Int, Int) -> Void) throws {
    let a = try normalizedAxis(axis, rank: shape.count, op: typeName)
    if coercedTo2D {
      let rows = shape.prefix(a).reduce(1, *), length = shape.suffix(from: a).reduce(1, *)
      for row in 0..<rows { body(row * length, 1, length) }
      return
    }
    let outer = shape.prefix(a).reduce(1, *), size = shape[a], inner = shape.suffix(from: a + 1).reduce(1, *)
    for o in 0..<outer { for i in 0..<inner { body(o * size * inner + i, inner, size) } }
  }

  func forward(_ inputs: [Value]) throws -> [Value] {
    let x = try Reorder.value(inputs[0], to: .plain)
    let out = Value(zeros: x.shape)
    defer { withExtendedLifetime(x) {} }  // pooled buffers: keep alive while their pointers are used
    let source = x.buffer.pointer, target = out.buffer.pointer
    try lines(x.shape) { base, stride, count in
      var largest = -Float.infinity
      for j in 0..<count { largest = max(largest, source[base + j * stride]) }
      var total: Float = 0
      for j in 0..<count { total += exp(source[base + j * stride] - largest) }
      let logTotal = log(total)
      for j in 0..<count {
        let shifted = source[base + j * stride] - largest
        target[base + j * stride] = logarithmic ? shifted - logTotal : exp(shifted - logTotal)
      }
    }
    return [out]
  }

  func backward(_ pass: BackwardPass) throws -> [Value?] {
    guard pass.needsGradient[0], let dyValue = pass.outputGradients[0] else { return [nil] }
    let output = pass.outputs[0], dyPlain = try Reorder.value(dyValue, to: .plain)
    let dx = Value(zeros: pass.inputs[0].shape)
    // Buffers return to a pool when released: keep every value alive while its pointer is used.
    defer { withExtendedLifetime((output, dyPlain, dx)) {} }
    let y = output.buffer.pointer, dy = dyPlain.buffer.pointer
    let target = dx.buffer.pointer
    try lines(pass.inputs[0].shape) { base, stride, count in
      var total: Float = 0
      for j in 0..<count {
        let k = base + j * stride
        total += logarithmic ? dy[k] : dy[k] * y[k]
      }
      for j in 0..<count {
        let k = base + j * stride
        target[k] = logarithmic ? dy[k] - exp(y[k]) * total : y[k] * (dy[k] - total)
      }
    }
    return [dx]
  }
}
