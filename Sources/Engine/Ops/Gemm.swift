/// ONNX Gemm: Y = alpha · A' · B' + beta · C, A' = transA ? Aᵀ : A (runtime, [M, K]),
/// B' = transB ? Bᵀ : B (usually the fully connected weights), C broadcast to [M, N].
/// Backward: dA' = alpha · dY · B'ᵀ, dB' = alpha · A'ᵀ · dY, dC = beta · Σ_broadcast dY.
public final class Gemm: Op, ExecutableOp, @unchecked Sendable {
  public let typeName = "Gemm"
  public let traits: OpTraits = .linear
  public let alpha: Float, beta: Float
  public let transA: Bool, transB: Bool
  public init(alpha: Float = 1, beta: Float = 1, transA: Bool = false, transB: Bool = false) {
    self.alpha = alpha
    self.beta = beta
    self.transA = transA
    self.transB = transB
  }

  private func dims(_ a: [Int], _ b: [Int]) throws -> (m: Int, k: Int, n: Int) {
    guard a.count == 2, b.count == 2 else { throw EngineError("Gemm needs 2-D A and B, got \(a) and \(b)") }
    let (m, k) = transA ? (a[1], a[0]) : (a[0], a[1])
    let (kb, n) = transB ? (b[1], b[0]) : (b[0], b[1])
    guard k == kb else { throw EngineError("Gemm inner dimensions differ: A' is \(m)×\(k), B' is \(kb)×\(n)") }
    return (m, k, n)
  }

  public func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
    let (m, _, n) = try dims(inputShapes[0], inputShapes[1])
    if inputShapes.count > 2, !inputShapes[2].isEmpty { _ = try Broadcasting.shape([m, n], inputShapes[2]) }
    return [[m, n]]
  }

  func forward(_ inputs: [Value]) throws -> [Value] {
    let a = try Reorder.value(inputs[0], to: .plain), b = try Reorder.value(inputs[1], to: .plain)
    defer { withExtendedLifetime((a, b)) {} }  // pooled buffers: keep alive while their pointers are used
    let (m, k, n) = try dims(a.shape, b.shape)
    let out = Value(zeros: [m, n])
    var betaUsed: Float = 0
    if inputs.count > 2, inputs[2].count > 0, beta != 0 {
      let c = try Reorder.value(inputs[2], to: .plain)
      let offsets = Broadcasting.offsets(of: c.shape, in: [m, n])
      withExtendedLifetime(c) { for i in 0..<(m * n) { out.buffer.pointer[i] = c.buffer.pointer[offsets[i]] } }
      betaUsed = beta
    }
    try GEMM.multiply(transposeA: transA, transposeB: transB, m: m, n: n, k: k, alpha: alpha,
                      a: a.buffer.pointer, b: b.buffer.pointer, beta: betaUsed, c: out.buffer.pointer)
    return [out]
  }

  func backward(_ pass: BackwardPass) throws -> [Value?] {
    guard let dyValue = pass.outputGradients[0] else { return [nil, nil, nil] }
    let a = try Reorder.value(pass.inputs[0], to: .plain), b = try Reorder.value(pass.inputs[1], to: .plain)
    let dy = try Reorder.value(dyValue, to: .plain)
    defer { withExtendedLifetime((a, b, dy)) {} }  // pooled buffers: keep alive while their pointers are used
    let (m, k, n) = try dims(a.shape, b.shape)
    var grads: [Value?] = Array(repeating: nil, count: pass.inputs.count)
    if pass.needsGradient[0] {
      let da = Value(zeros: a.shape)
      if transA {  // A = A'ᵀ: dA = alpha · B' · dYᵀ   [K, M]
        try GEMM.multiply(transposeA: transB, transposeB: true, m: k, n: m, k: n, alpha: alpha,
                          a: b.buffer.pointer, b: dy.buffer.pointer, beta: 0, c: da.buffer.pointer)
      } else {     // dA = alpha · dY · B'ᵀ   [M, K]
        try GEMM.multiply(transposeA: false, transposeB: !transB, m: m, n: k, k: n, alpha: alpha,
                          a: dy.buffer.pointer, b: b.buffer.pointer, beta: 0, c: da.buffer.pointer)
      }
      grads[0] = da
    }
    if pass.needsGradient.count > 1, pass.needsGradient[1] {
      let db = Value(zeros: b.shape)
      if transB {  // dB = alpha · dYᵀ · A'   [N, K]
        try GEMM.multiply(transposeA: true, transposeB: transA, m: n, n: k, k: m, alpha: alpha,
                          a: dy.buffer.pointer, b: a.buffer.pointer, beta: 0, c: db.buffer.pointer)
      } else {     // dB = alpha · A'ᵀ · dY   [K, N]
        try GEMM.multiply(transposeA: !transA, transposeB: false, m: k, n: n, k: m, alpha: alpha,
                          a: a.buffer.pointer, b: dy.buffer.pointer, beta: 0, c: db.buffer.pointer)
      }
      grads[1] = db
    }
    if pass.needsGradient.count > 2, pass.needsGradient[2] {
      let c = pass.inputs[2]
      let reduced = Broadcasting.reduce(dy.buffer.pointer, outShape: [m, n], to: c.shape)
      grads[2] = Elementwise.map(reduced) { $0 * self.beta }
    }
    return grads
  }
}
