import CDNNL

/// Row-major single-precision GEMM through oneDNN's `dnnl_sgemm`:
/// C[M×N] = alpha · op(A) · op(B) + beta · C, op(X) = X or Xᵀ.
enum GEMM {
  static func multiply(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                       a: UnsafePointer<Float>, b: UnsafePointer<Float>, beta: Float, c: UnsafeMutablePointer<Float>) throws {
    guard m > 0, n > 0 else { return }
    let lda = transposeA ? m : k, ldb = transposeB ? k : n
    let status = dnnl_sgemm(transposeA ? 84 : 78, transposeB ? 84 : 78,  // "T" : "N"
                            Int64(m), Int64(n), Int64(k), alpha, a, Int64(max(lda, 1)), b, Int64(max(ldb, 1)),
                            beta, c, Int64(n))
    try DNNLRuntime.check(status, "multiply matrices \(m)×\(k) · \(k)×\(n)")
  }
}
