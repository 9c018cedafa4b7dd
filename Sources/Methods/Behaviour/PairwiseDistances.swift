import Dispatch

/// Squared Euclidean distances between all rows of a [N, D] matrix, as a dense [N, N] matrix
/// (4 MB for N = 1000), computed as |a|² + |b|² − 2 a·b, rows in parallel (each row is
/// independent, so the result does not depend on the thread count).
enum PairwiseDistances {
  static func squared(_ values: [Float], count n: Int, dimension d: Int) -> [Float] {
    var norms = [Float](repeating: 0, count: n)
    values.withUnsafeBufferPointer { x in
      for i in 0..<n {
        var sum: Float = 0
        for k in 0..<d { sum += x[i * d + k] * x[i * d + k] }
        norms[i] = sum
      }
    }
    var out = [Float](repeating: 0, count: n * n)
    out.withUnsafeMutableBufferPointer { result in
      let resultBase = result.baseAddress
      nonisolated(unsafe) let target = resultBase
      values.withUnsafeBufferPointer { x in
        nonisolated(unsafe) let source = x.baseAddress
        let normsCopy = norms
        DispatchQueue.concurrentPerform(iterations: n) { i in
          guard let target, let source else { return }
          let a = source + i * d
          for j in 0..<n where j != i {
            let b = source + j * d
            var dot: Float = 0
            for k in 0..<d { dot += a[k] * b[k] }
            target[i * n + j] = max(normsCopy[i] + normsCopy[j] - 2 * dot, 0)
          }
        }
      }
    }
    return out
  }
}

/// Trustworthiness of an embedding (Venna & Kaski 2001; sklearn.manifold.trustworthiness):
/// T(k) = 1 − 2 / (n k (2n − 3k − 1)) · Σ_i Σ_{j ∈ U_k(i)} (r(i, j) − k), where U_k(i) are the
/// k nearest neighbours of i in the embedding that are not among its k nearest in the input,
/// and r(i, j) is j's rank (1 = nearest) by input distance. 1 means no intruders.
public enum Trustworthiness {
  /// `inputDistances`: [n, n] (any monotone distance, e.g. squared); `embedding`: [n, 2].
  public static func score(inputDistances: [Float], embedding: [Double], count n: Int, k: Int = 5) -> Double {
    guard n > 2 * k + 1, k >= 1 else { return 1 }
    var total = 0.0
    var rank = [Int](repeating: 0, count: n)
    for i in 0..<n {
      let order = (0..<n).filter { $0 != i }.sorted {
        let a = inputDistances[i * n + $0], b = inputDistances[i * n + $1]
        return a != b ? a < b : $0 < $1
      }
      for (position, j) in order.enumerated() { rank[j] = position + 1 }
      var embedded: [(distance: Double, index: Int)] = []
      embedded.reserveCapacity(n - 1)
      for j in 0..<n where j != i {
        let dx: Double = embedding[2 * i] - embedding[2 * j]
        let dy: Double = embedding[2 * i + 1] - embedding[2 * j + 1]
        embedded.append((dx * dx + dy * dy, j))
      }
      embedded.sort { $0.distance != $1.distance ? $0.distance < $1.distance : $0.index < $1.index }
      for (_, j) in embedded.prefix(k) where rank[j] > k { total += Double(rank[j] - k) }
    }
    let (nd, kd) = (Double(n), Double(k))
    return 1 - total * 2 / (nd * kd * (2 * nd - 3 * kd - 1))
  }
}
