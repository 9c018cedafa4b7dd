/// The normalisation shared by LayerNormalization and InstanceNormalization: x is `rows` contiguous
/// rows of `length` floats, each standardised by its own statistics,
///   μ = Σx/D, σ² = Σ(x − μ)²/D (biased, as both ONNX ops), r = 1/√(σ² + ε), x̂ = (x − μ)·r.
/// Backward (Ioffe & Szegedy 2015, eq. for ∂ℓ/∂xᵢ with the batch replaced by the row), for
/// g = ∂L/∂x̂ and, optionally, gradients dμ and dr arriving at the statistics:
///   dx = r·(g − mean(g) − x̂·mean(g·x̂)) + dμ/D − dr·r²·x̂/D.
enum RowNormalization {
  /// μ and r of every row, accumulated in Float64 (two passes: the mean, then the squared deviations).
  static func statistics(_ x: UnsafePointer<Float>, rows: Int, length: Int, epsilon: Float) -> (mean: [Float], inverseStd: [Float]) {
    var mean = [Float](repeating: 0, count: rows), inverseStd = [Float](repeating: 0, count: rows)
    for row in 0..<rows {
      let base = x + row * length
      var sum = 0.0
      for j in 0..<length { sum += Double(base[j]) }
      let mu = sum / Double(max(length, 1))
      var squares = 0.0
      for j in 0..<length { let d = Double(base[j]) - mu; squares += d * d }
      mean[row] = Float(mu)
      inverseStd[row] = Float(1 / (squares / Double(max(length, 1)) + Double(epsilon)).squareRoot())
    }
    return (mean, inverseStd)
  }

  /// x̂ = (x − μ)·r of a plain value read as `rows` rows of `length`, with μ and r per row.
  static func standardised(_ x: Value, rows: Int, length: Int, epsilon: Float) -> (Value, mean: [Float], inverseStd: [Float]) {
    defer { withExtendedLifetime(x) {} }  // pooled buffers: keep alive while their pointers are used
    let (mean, inverseStd) = statistics(x.buffer.pointer, rows: rows, length: length, epsilon: epsilon)
    let y = Value(uninitialized: x.shape)
    let source = x.buffer.pointer, target = y.buffer.pointer
    for row in 0..<rows {
      let base = row * length, mu = mean[row], r = inverseStd[row]
      for j in 0..<length { target[base + j] = (source[base + j] - mu) * r }
    }
    return (y, mean, inverseStd)
  }

  /// dx from g = ∂L/∂x̂ (overwritten with dx in place), and optional per-row dμ, dr.
  static func backward(_ x: UnsafePointer<Float>, gradient g: UnsafeMutablePointer<Float>, mean: [Float], inverseStd: [Float],
                       length: Int, meanGradient: UnsafePointer<Float>? = nil, inverseStdGradient: UnsafePointer<Float>? = nil) {
    let d = Float(max(length, 1))
    for row in 0..<mean.count {
      let base = row * length, mu = mean[row], r = inverseStd[row]
      var sumG: Float = 0, sumGX: Float = 0
      for j in 0..<length {
        let xhat = (x[base + j] - mu) * r
        sumG += g[base + j]
        sumGX += g[base + j] * xhat
      }
      let meanG = sumG / d, meanGX = sumGX / d
      let shift = (meanGradient?[row] ?? 0) / d, scale = -(inverseStdGradient?[row] ?? 0) * r * r / d
      for j in 0..<length {
        let xhat = (x[base + j] - mu) * r
        g[base + j] = r * (g[base + j] - meanG - xhat * meanGX) + shift + scale * xhat
      }
    }
  }
}
