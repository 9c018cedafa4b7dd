import Foundation

/// The input-space affinities of Barnes-Hut t-SNE (van der Maaten 2014, §4.1): for each point,
/// its k = min(n − 1, ⌊3·perplexity⌋ + 1) nearest neighbours by squared Euclidean distance, a
/// Gaussian whose precision β_i is found by binary search so that the conditional distribution
/// has the given perplexity (entropy log(perplexity), tolerance 1e-5, at most 100 steps, as
/// sklearn's `_binary_search_perplexity`), then P = (P_cond + P_condᵀ) / Σ, sparse.
struct SparseAffinities {
  /// CSR rows: for point i, columns[rowStart[i] ..< rowStart[i + 1]] with values (sum of all = 1).
  var rowStart: [Int]
  var columns: [Int]
  var values: [Double]

  init(squaredDistances d: [Float], count n: Int, perplexity: Double) {
    let k = min(n - 1, Int(3 * perplexity) + 1)
    var rows: [[Int: Double]] = Array(repeating: [:], count: n)
    for i in 0..<n {
      let neighbours = (0..<n).filter { $0 != i }.sorted {
        d[i * n + $0] != d[i * n + $1] ? d[i * n + $0] < d[i * n + $1] : $0 < $1
      }.prefix(k)
      let distances = neighbours.map { Double(d[i * n + $0]) }
      let conditional = SparseAffinities.conditional(distances, perplexity: perplexity)
      for (j, p) in zip(neighbours, conditional) {
        rows[i][j, default: 0] += p
        rows[j][i, default: 0] += p
      }
    }
    rowStart = [0]
    columns = []
    values = []
    // Sorted by column, so every sum below runs in one fixed order (a Dictionary's iteration
    // order differs between instances, which would change the last bits from run to run).
    for row in rows {
      for (j, p) in row.sorted(by: { $0.key < $1.key }) {
        columns.append(j)
        values.append(p)
      }
      rowStart.append(columns.count)
    }
    let total = max(values.reduce(0, +), 1e-12)
    values = values.map { $0 / total }
  }

  /// p_{j|i} ∝ exp(−β d_j) with β chosen so that H = log(perplexity).
  static func conditional(_ distances: [Double], perplexity: Double) -> [Double] {
    let desired = log(perplexity)
    var beta = 1.0, low = -Double.infinity, high = Double.infinity
    var p = [Double](repeating: 0, count: distances.count)
    for _ in 0..<100 {
      var sum = 0.0, weighted = 0.0
      for (index, distance) in distances.enumerated() {
        p[index] = exp(-distance * beta)
        sum += p[index]
      }
      if sum == 0 { sum = 1e-8 }
      for (index, distance) in distances.enumerated() {
        p[index] /= sum
        weighted += distance * p[index]
      }
      let entropy = log(sum) + beta * weighted
      let difference = entropy - desired
      if abs(difference) <= 1e-5 { break }
      if difference > 0 {
        low = beta
        beta = high == .infinity ? beta * 2 : (beta + high) / 2
      } else {
        high = beta
        beta = low == -.infinity ? beta / 2 : (beta + low) / 2
      }
    }
    return p
  }
}
