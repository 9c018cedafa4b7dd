import Foundation

/// Local response normalisation across channels (Krizhevsky et al. 2012; ONNX LRN):
/// y_c = x_c · s_c^(−β), s_c = bias + (α/size) · Σ_{c' ∈ W(c)} x_{c'}², W(c) = [c − ⌊(size−1)/2⌋, c + ⌈(size−1)/2⌉].
/// Backward: dx_k = dy_k · s_k^(−β) − (2αβ/size) · x_k · Σ_{c : k ∈ W(c)} dy_c · x_c · s_c^(−β−1).
public final class LRN: Op, ExecutableOp, @unchecked Sendable {
  public let typeName = "LRN"
  public let traits: OpTraits = []
  public let size: Int, alpha: Float, beta: Float, bias: Float
  public init(size: Int, alpha: Float = 1e-4, beta: Float = 0.75, bias: Float = 1) {
    self.size = size
    self.alpha = alpha
    self.beta = beta
    self.bias = bias
  }

  public func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
    guard inputShapes[0].count == 4 else { throw EngineError("LRN expects a 4-D input, got \(inputShapes[0])") }
    return [inputShapes[0]]
  }

  private var window: (before: Int, after: Int) { ((size - 1) / 2, size - 1 - (size - 1) / 2) }

  /// s for every element, [N, C, H, W] plain.
  private func scales(_ x: UnsafeMutablePointer<Float>, _ shape: [Int]) -> [Float] {
    let (n, c, spatial) = (shape[0], shape[1], shape[2] * shape[3])
    var s = [Float](repeating: bias, count: n * c * spatial)
    for item in 0..<n {
      for channel in 0..<c {
        for other in max(0, channel - window.before)...min(c - 1, channel + window.after) {
          let source = x + (item * c + other) * spatial, target = (item * c + channel) * spatial
          for p in 0..<spatial { s[target + p] += alpha / Float(size) * source[p] * source[p] }
        }
      }
    }
    return s
  }

  func forward(_ inputs: [Value]) throws -> [Value] {
    let x = try Reorder.value(inputs[0], to: .plain)
    defer { withExtendedLifetime(x) {} }  // pooled buffers: keep alive while their pointers are used
    let s = scales(x.buffer.pointer, x.shape)
    let out = Value(zeros: x.shape)
    for i in 0..<s.count { out.buffer.pointer[i] = x.buffer.pointer[i] * pow(s[i], -beta) }
    return [out]
  }

  func backward(_ pass: BackwardPass) throws -> [Value?] {
    guard pass.needsGradient[0], let dyValue = pass.outputGradients[0] else { return [nil] }
    let x = try Reorder.value(pass.inputs[0], to: .plain), dy = try Reorder.value(dyValue, to: .plain)
    let shape = x.shape, (n, c, spatial) = (shape[0], shape[1], shape[2] * shape[3])
    defer { withExtendedLifetime((x, dy)) {} }  // pooled buffers: keep alive while their pointers are used
    let xs = x.buffer.pointer, g = dy.buffer.pointer
    let s = scales(xs, shape)
    var weighted = [Float](repeating: 0, count: s.count)  // dy_c · x_c · s_c^(−β−1)
    for i in 0..<s.count { weighted[i] = g[i] * xs[i] * pow(s[i], -beta - 1) }
    let dx = Value(zeros: shape)
    let target = dx.buffer.pointer, factor = 2 * alpha * beta / Float(size)
    for item in 0..<n {
      for k in 0..<c {
        let base = (item * c + k) * spatial
        for p in 0..<spatial { target[base + p] = g[base + p] * pow(s[base + p], -beta) }
        // Channels c whose window contains k: c ∈ [k − after, k + before].
        for other in max(0, k - window.after)...min(c - 1, k + window.before) {
          let o = (item * c + other) * spatial
          for p in 0..<spatial { target[base + p] -= factor * xs[base + p] * weighted[o + p] }
        }
      }
    }
    return [dx]
  }
}
