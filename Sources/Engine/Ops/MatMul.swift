/// ONNX MatMul (NumPy matmul): [..., M, K] · [..., K, N] -> [..., M, N], batch axes broadcast
/// (attention's [N, heads, T, d] · [N, heads, d, T]); a 1-D left operand [K] is read as [1, K] and a
/// 1-D right operand as [K, 1], the added axis removed from the result. One oneDNN sgemm per batch
/// item, or a single one for the whole batch when the right operand has no batch axes (a linear
/// layer on tokens: [N, T, C] · [C, D] is one [N·T, C] · [C, D] product).
/// Backward: dA = dY · Bᵀ, dB = Aᵀ · dY, summed over broadcast batch axes.
public final class MatMul: Op, ExecutableOp, @unchecked Sendable {
  public let typeName = "MatMul"
  public let traits: OpTraits = .linear
  public init() {}

  private struct Plan {
    let a: [Int], b: [Int]      // the operands as matrices (1-D ones widened)
    let batch: [Int]
    let m: Int, k: Int, n: Int
    let output: [Int]           // batch + [m, n] without the axes a 1-D operand added
  }

  private func plan(_ a: [Int], _ b: [Int]) throws -> Plan {
    guard !a.isEmpty, !b.isEmpty else { throw EngineError("MatMul needs operands of rank ≥ 1, got \(a) and \(b)") }
    let a2 = a.count == 1 ? [1] + a : a, b2 = b.count == 1 ? b + [1] : b
    let m = a2[a2.count - 2], k = a2[a2.count - 1], kb = b2[b2.count - 2], n = b2[b2.count - 1]
    guard k == kb else { throw EngineError("MatMul inner dimensions differ: \(a) · \(b)") }
    let batch = try Broadcasting.shape(Array(a2.dropLast(2)), Array(b2.dropLast(2)))
    let output = batch + (a.count == 1 ? [] : [m]) + (b.count == 1 ? [] : [n])
    return Plan(a: a2, b: b2, batch: batch, m: m, k: k, n: n, output: output)
  }

  public func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
    [try plan(inputShapes[0], inputShapes[1]).output]
  }

  /// Matrix offsets of each batch item of `shape` within the broadcast `batch`.
  private func matrixOffsets(_ shape: [Int], batch: [Int]) -> [Int] {
    let matrix = shape.suffix(2).reduce(1, *)
    return Broadcasting.offsets(of: Array(shape.dropLast(2)), in: batch).map { $0 * matrix }
  }

  /// True when B is one matrix and A's batch is the output's: A is then one [batch·M, K] matrix.
  private func isSingleProduct(_ p: Plan) -> Bool { p.b.count == 2 && p.a.count == p.batch.count + 2 }

  func forward(_ inputs: [Value]) throws -> [Value] {
    let a = try Reorder.value(inputs[0], to: .plain), b = try Reorder.value(inputs[1], to: .plain)
    defer { withExtendedLifetime((a, b)) {} }  // pooled buffers: keep alive while their pointers are used
    let p = try plan(a.shape, b.shape)
    let out = Value(uninitialized: p.output)
    if isSingleProduct(p) {
      try GEMM.multiply(transposeA: false, transposeB: false, m: p.batch.reduce(1, *) * p.m, n: p.n, k: p.k, alpha: 1,
                        a: a.buffer.pointer, b: b.buffer.pointer, beta: 0, c: out.buffer.pointer)
      return [out]
    }
    let offA = matrixOffsets(p.a, batch: p.batch), offB = matrixOffsets(p.b, batch: p.batch)
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
    let da = pass.needsGradient[0] ? Value(zeros: a.shape) : nil
    let db = pass.needsGradient[1] ? Value(zeros: b.shape) : nil
    if isSingleProduct(p) {
      let rows = p.batch.reduce(1, *) * p.m
      if let da {  // [rows, K] = dY [rows, N] · Bᵀ
        try GEMM.multiply(transposeA: false, transposeB: true, m: rows, n: p.k, k: p.n, alpha: 1,
                          a: dy.buffer.pointer, b: b.buffer.pointer, beta: 0, c: da.buffer.pointer)
      }
      if let db {  // [K, N] = Aᵀ [K, rows] · dY [rows, N]
        try GEMM.multiply(transposeA: true, transposeB: false, m: p.k, n: p.n, k: rows, alpha: 1,
                          a: a.buffer.pointer, b: dy.buffer.pointer, beta: 0, c: db.buffer.pointer)
      }
      return [da, db]
    }
    let offA = matrixOffsets(p.a, batch: p.batch), offB = matrixOffsets(p.b, batch: p.batch)
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
