/// ONNX MatMul (NumPy matmul): [..., M, K] · [..., K, N] -> [..., M, N], batch axes broadcast;
/// 1-D operands are not supported (CNN exports do not produce them).
/// Backward: dA = dY · Bᵀ, dB = Aᵀ · dY, summed over broadcast batch axes.
public final class MatMul: Op, ExecutableOp, @unchecked Sendable {
  public let typeName = "MatMul"
  public let traits: OpTraits = .linear
  public init() {}

  private func plan(_ a: [Int], _ b: [Int]) throws -> (batch: [Int], m: Int, k: Int, n: Int) {
    guard a.count >= 2, b.count >= 2 else { throw EngineError("MatMul needs operands of rank ≥ 2, got \(a) and \(b)") }
    let m = a[a.count - 2], k = a[a.count - 1], kb = b[b.count - 2], n = b[b.count - 1]
    guard k == kb else { throw EngineError("MatMul inner dimensions differ: \(a) · \(b)") }
    let batch = try Broadcasting.shape(Array(a.dropLast(2)), Array(b.dropLast(2)))
    return (batch, m, k, n)
  }

  public func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
    let p = try plan(inputShapes[0], inputShapes[1])
    return [p.batch + [p.m, p.n]]
  }

  /// Matrix offsets of each batch item of `shape` within the broadcast `batch`.
  private func matrixOffsets(_ shape: [Int], batch: [Int]) -> [Int] {
    let matrix = shape.suffix(2).reduce(1, *)
    return Broadcasting.offsets(of: Array(shape.dropLast(2)), in: batch).map { $0 * matrix }
  }

  func forward(_ inputs: [Value]) throws -> [Value] {
    let a = try Reorder.value(inputs[0], to: .plain), b = try Reorder.value(inputs[1], to: .plain)
    defer { withExtendedLifetime((a, b)) {} }  // pooled buffers: keep alive while their pointers are used
    let p = try plan(a.shape, b.shape)
    let out = Value(zeros: p.batch + [p.m, p.n])
    let offA = matrixOffsets(a.shape, batch: p.batch), offB = matrixOffsets(b.shape, batch: p.batch)
    for item in 0..<offA.count {
      try GEMM.multiply(transposeA: false, transposeB: false, m: p.m, n: p.n, k: p.k, alpha: 1,
                        a: a.buffer.pointer + offA[item], b: b.buffer.pointer + offB[item], beta: 0,
                        c: out.buffer.pointer + item * p.m * p.n)
    }
    return [out]
  }

  func backward(_ pass: BackwardPass) throws -> [Value?] {
    guard let dyValue = pass.outputGradients[0] else { return [nil, nil] }
    let a = try Reorder.value(pass.inputs[0], to: .plain), b = try Reorder.value(pass.inputs[1], to: .plain)
    let dy = try Reorder.value(dyValue, to: .plain)
    defer { withExtendedLifetime((a, b, dy)) {} }  // pooled buffers: keep alive while their pointers are used
    let p = try plan(a.shape, b.shape)
    let offA = matrixOffsets(a.shape, batch: p.batch), offB = matrixOffsets(b.shape, batch: p.batch)
    let da = pass.needsGradient[0] ? Value(zeros: a.shape) : nil
    let db = pass.needsGradient[1] ? Value(zeros: b.shape) : nil
    for item in 0..<offA.count {
      let g = dy.buffer.pointer + item * p.m * p.n
      // beta 1 accumulates over batch items that share a broadcast operand.
      if let da {
        try GEMM.multiply(transposeA: false, transposeB: true, m: p.m, n: p.k, k: p.n, alpha: 1,
                          a: g, b: b.buffer.pointer + offB[item], beta: 1, c: da.buffer.pointer + offA[item])
      }
      if let db {
        try GEMM.multiply(transposeA: true, transposeB: false, m: p.k, n: p.n, k: p.m, alpha: 1,
                          a: a.buffer.pointer + offA[item], b: g, beta: 1, c: db.buffer.pointer + offB[item])
      }
    }
    return [da, db]
  }
}
