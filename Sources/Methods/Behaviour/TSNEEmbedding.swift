import Dispatch
import Engine
import Foundation

/// Barnes-Hut t-SNE (van der Maaten 2014) with sklearn's optimisation schedule:
/// - affinities: `SparseAffinities` (perplexity with the binary search on β);
/// - start: the first two principal components (power iteration, seeded start vector, sign fixed
///   so each component's largest-magnitude score is positive), scaled so the first has standard
///   deviation 1e-4 (sklearn's init="pca");
/// - gradient 4 · (Σ_j p_ij q_ij Z (y_i − y_j) − Σ_j q_ij² Z (y_i − y_j) / Z), the repulsion by
///   `QuadTree` with θ;
/// - gradient descent with momentum 0.5 and P × exaggeration for the first `exaggerationSteps`,
///   then momentum 0.8, with per-coordinate gains (+0.2 when the step changes sign, × 0.8
///   otherwise, at least 0.01), updates and gains reset between the two phases (as sklearn).
/// Every loop runs in a fixed order (forces per point are independent), so a seed gives one result.
public struct TSNEEmbedding: Sendable {
  public var perplexity = 30.0
  public var theta = 0.5
  public var iterations = 1000
  public var exaggeration = 12.0
  public var exaggerationSteps = 250
  /// nil: sklearn's 'auto', max(n / exaggeration / 4, 50).
  public var learningRate: Double?
  public var seed: UInt64 = 0

  public init() {}

  public func learningRate(count n: Int) -> Double { learningRate ?? max(Double(n) / exaggeration / 4, 50) }

  /// The perplexity actually used: at most (n − 1) / 3, so every point has enough neighbours.
  public func effectivePerplexity(count n: Int) -> Double { min(perplexity, Double(n - 1) / 3) }

  /// Embeds `features` [n, d] (squared distances `distances` [n, n]) into [n, 2] (x, y interleaved).
  public func embed(features: [Float], distances: [Float], count n: Int, dimension d: Int,
                    progress: (Int, Int) -> Void = { _, _ in }) -> [Double] {
    guard n >= 2 else { return [Double](repeating: 0, count: 2 * n) }
    let affinities = SparseAffinities(squaredDistances: distances, count: n, perplexity: effectivePerplexity(count: n))
    var positions = PrincipalComponents.initialPositions(features, count: n, dimension: d, seed: seed)
    let rate = learningRate(count: n)
    let phases = [(steps: min(exaggerationSteps, iterations), momentum: 0.5, scale: exaggeration),
                  (steps: max(iterations - exaggerationSteps, 0), momentum: 0.8, scale: 1.0)]
    var done = 0
    for phase in phases {
      var update = [Double](repeating: 0, count: 2 * n)
      var gains = [Double](repeating: 1, count: 2 * n)
      for _ in 0..<phase.steps {
        let gradient = TSNEEmbedding.gradient(positions, affinities: affinities, exaggeration: phase.scale, theta: theta)
        for c in 0..<(2 * n) {
          if update[c] * gradient[c] < 0 { gains[c] += 0.2 } else { gains[c] *= 0.8 }
          gains[c] = max(gains[c], 0.01)
          update[c] = phase.momentum * update[c] - rate * gains[c] * gradient[c]
          positions[c] += update[c]
        }
        done += 1
        if done % 50 == 0 { progress(done, iterations) }
      }
    }
    return positions
  }

  /// ∂KL/∂y, [n, 2].
  static func gradient(_ positions: [Double], affinities: SparseAffinities, exaggeration: Double, theta: Double) -> [Double] {
    let n = positions.count / 2
    let tree = QuadTree(positions)
    var repulsive = [Double](repeating: 0, count: 3 * n)  // fx, fy, z per point
    repulsive.withUnsafeMutableBufferPointer { buffer in
      nonisolated(unsafe) let out = buffer.baseAddress
      let chunk = 64
      DispatchQueue.concurrentPerform(iterations: (n + chunk - 1) / chunk) { block in
        guard let out else { return }
        var stack: [Int] = []
        stack.reserveCapacity(256)
        for i in (block * chunk)..<min((block + 1) * chunk, n) {
          let force = tree.repulsion(of: i, x: positions[2 * i], y: positions[2 * i + 1], theta: theta, stack: &stack)
          out[3 * i] = force.fx
          out[3 * i + 1] = force.fy
          out[3 * i + 2] = force.z
        }
      }
    }
    var z = 0.0
    for i in 0..<n { z += repulsive[3 * i + 2] }
    z = max(z, 1e-12)
    var gradient = [Double](repeating: 0, count: 2 * n)
    for i in 0..<n {
      var ax = 0.0, ay = 0.0
      for entry in affinities.rowStart[i]..<affinities.rowStart[i + 1] {
        let j = affinities.columns[entry]
        let dx = positions[2 * i] - positions[2 * j], dy = positions[2 * i + 1] - positions[2 * j + 1]
        let weight = exaggeration * affinities.values[entry] / (1 + dx * dx + dy * dy)
        ax += weight * dx
        ay += weight * dy
      }
      gradient[2 * i] = 4 * (ax - repulsive[3 * i] / z)
      gradient[2 * i + 1] = 4 * (ay - repulsive[3 * i + 1] / z)
    }
    return gradient
  }
}

/// The first two principal components by power iteration, for t-SNE's initialisation.
enum PrincipalComponents {
  static func initialPositions(_ features: [Float], count n: Int, dimension d: Int, seed: UInt64) -> [Double] {
    var centred = [Double](repeating: 0, count: n * d)
    for k in 0..<d {
      var mean = 0.0
      for i in 0..<n { mean += Double(features[i * d + k]) }
      mean /= Double(n)
      for i in 0..<n { centred[i * d + k] = Double(features[i * d + k]) - mean }
    }
    var random = SeededRandom(seed: seed)
    var components: [[Double]] = []
    var scores: [[Double]] = []
    for _ in 0..<2 {
      var v = (0..<d).map { _ in random.normal() }
      for _ in 0..<300 {
        // v ← Xᵀ (X v), orthogonal to the earlier components, normalised.
        let projected = multiply(centred, v, n: n, d: d)
        var next = [Double](repeating: 0, count: d)
        for i in 0..<n where projected[i] != 0 {
          for k in 0..<d { next[k] += centred[i * d + k] * projected[i] }
        }
        for earlier in components {
          let dot = zip(next, earlier).reduce(0) { $0 + $1.0 * $1.1 }
          for k in 0..<d { next[k] -= dot * earlier[k] }
        }
        let norm = next.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 1e-300 else { break }
        next = next.map { $0 / norm }
        let change = zip(next, v).reduce(0) { max($0, abs($1.0 - $1.1)) }
        v = next
        if change < 1e-9 { break }
      }
      var score = multiply(centred, v, n: n, d: d)
      // Deterministic sign (sklearn's svd_flip): the largest-magnitude score is positive.
      if let largest = score.indices.max(by: { abs(score[$0]) < abs(score[$1]) }), score[largest] < 0 {
        score = score.map { -$0 }
        v = v.map { -$0 }
      }
      components.append(v)
      scores.append(score)
    }
    let mean0 = scores[0].reduce(0, +) / Double(n)
    let std0 = (scores[0].reduce(0) { $0 + ($1 - mean0) * ($1 - mean0) } / Double(n)).squareRoot()
    let scale = std0 > 0 ? 1e-4 / std0 : 1
    var positions = [Double](repeating: 0, count: 2 * n)
    for i in 0..<n {
      positions[2 * i] = scores[0][i] * scale
      positions[2 * i + 1] = scores[1][i] * scale
    }
    return positions
  }

  static func multiply(_ x: [Double], _ v: [Double], n: Int, d: Int) -> [Double] {
    (0..<n).map { i in
      var sum = 0.0
      for k in 0..<d { sum += x[i * d + k] * v[k] }
      return sum
    }
  }
}
