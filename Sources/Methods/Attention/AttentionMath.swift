/// How the heads of one block's attention become one matrix (vit-explain's `head_fusion`).
public enum HeadFusion: String, Sendable, Codable, CaseIterable {
  case mean, max, min
}

/// The two attention-flow formulas over a transformer's blocks, for one image. Attention probabilities
/// arrive per block as [heads, T, T] row-major (row i: how token i attends to every token j; rows sum
/// to 1), block 1 first. Products run in Double: T³ per block is small and the rows must stay stochastic.
enum AttentionMath {
  /// Attention rollout (Abnar & Zuidema 2020, "Quantifying attention flow in transformers"): per block the
  /// heads fused, optionally the lowest `discard` fraction of the fused T × T entries set to 0 (never the
  /// class token's attention to itself, entry (0, 0); vit-explain's option), then A' = (A + I) / 2 with
  /// each row renormalised to sum 1 (the residual connection), and R = A'_L · … · A'_2 · A'_1. Returns
  /// R's row of token 0 (the class token): [T].
  static func rollout(_ attentions: [[Float]], heads: Int, tokens: Int, fusion: HeadFusion, discard: Double) -> [Double] {
    var result = identity(tokens)
    for attention in attentions {
      var fused = fuse(attention, heads: heads, tokens: tokens, fusion)
      if discard > 0 {
        let order = fused.indices.sorted { fused[$0] < fused[$1] || (fused[$0] == fused[$1] && $0 < $1) }
        for index in order.prefix(Int(Double(fused.count) * discard)) where index != 0 { fused[index] = 0 }
      }
      for row in 0..<tokens {
        var total = 0.0
        for column in 0..<tokens {
          let value = (fused[row * tokens + column] + (row == column ? 1 : 0)) / 2
          fused[row * tokens + column] = value
          total += value
        }
        for column in 0..<tokens { fused[row * tokens + column] /= total }
      }
      result = multiply(fused, result, tokens)  // the later block on the left
    }
    return Array(result[0..<tokens])
  }

  /// Chefer, Gur & Wolf 2021 ("Generic attention-model explainability for interpreting bi-modal and
  /// encoder-decoder transformers", eq. 5-6): R = I, then per block in order
  /// R ← R + Ā · R with Ā = mean_h(ReLU(∇A ⊙ A)), ∇A = ∂y^c/∂A. Returns R's row of token 0: [T].
  static func gradientRollout(_ attentions: [[Float]], gradients: [[Float]], heads: Int, tokens: Int) -> [Double] {
    var result = identity(tokens)
    for (attention, gradient) in zip(attentions, gradients) {
      var relevance = [Double](repeating: 0, count: tokens * tokens)
      for head in 0..<heads {
        let base = head * tokens * tokens
        for index in 0..<(tokens * tokens) {
          relevance[index] += max(Double(attention[base + index]) * Double(gradient[base + index]), 0) / Double(heads)
        }
      }
      let update = multiply(relevance, result, tokens)
      for index in result.indices { result[index] += update[index] }
    }
    return Array(result[0..<tokens])
  }

  /// The heads of [heads, T, T] fused into [T, T].
  static func fuse(_ attention: [Float], heads: Int, tokens: Int, _ fusion: HeadFusion) -> [Double] {
    let plane = tokens * tokens
    return (0..<plane).map { index in
      let values = (0..<heads).map { Double(attention[$0 * plane + index]) }
      switch fusion {
      case .mean: return values.reduce(0, +) / Double(heads)
      case .max: return values.max() ?? 0
      case .min: return values.min() ?? 0
      }
    }
  }

  static func identity(_ n: Int) -> [Double] {
    var matrix = [Double](repeating: 0, count: n * n)
    for i in 0..<n { matrix[i * n + i] = 1 }
    return matrix
  }

  /// a · b for n × n row-major matrices.
  static func multiply(_ a: [Double], _ b: [Double], _ n: Int) -> [Double] {
    var product = [Double](repeating: 0, count: n * n)
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        product.withUnsafeMutableBufferPointer { c in
          for i in 0..<n {
            for k in 0..<n where a[i * n + k] != 0 {
              let scale = a[i * n + k]
              for j in 0..<n { c[i * n + j] += scale * b[k * n + j] }
            }
          }
        }
      }
    }
    return product
  }
}
