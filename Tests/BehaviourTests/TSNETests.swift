import Engine
import Foundation
import Testing
@testable import Methods

@Suite("t-SNE")
struct TSNETests {
  /// Three Gaussian clusters of 40 points in 10-D, centres 20 apart, sd 1.
  func clusters() -> (features: [Float], labels: [Int]) {
    var random = SeededRandom(seed: 5)
    var features: [Float] = [], labels: [Int] = []
    for point in 0..<120 {
      let cluster = point % 3
      for dimension in 0..<10 {
        features.append(Float((dimension == cluster ? 20 : 0) + random.normal()))
      }
      labels.append(cluster)
    }
    return (features, labels)
  }

  @Test("well-separated Gaussian clusters stay separated, trustworthiness ≥ 0.95, identical across runs")
  func separatesClusters() throws {
    let (features, labels) = clusters()
    var settings = TSNEEmbedding()
    settings.seed = 42
    settings.iterations = 500
    let first = settings.run(features, count: 120, dimension: 10)
    let second = settings.run(features, count: 120, dimension: 10)
    #expect(first.positions == second.positions)
    #expect(first.trustworthiness >= 0.95)
    // Every point's nearest embedded neighbour is in its own cluster.
    for i in 0..<120 {
      var best = -1, bestDistance = Double.infinity
      for j in 0..<120 where j != i {
        let dx = first.positions[2 * i] - first.positions[2 * j], dy = first.positions[2 * i + 1] - first.positions[2 * j + 1]
        if dx * dx + dy * dy < bestDistance { bestDistance = dx * dx + dy * dy; best = j }
      }
      #expect(labels[best] == labels[i])
    }
  }

  @Test("trustworthiness is 1 for an embedding that keeps every neighbourhood, lower for a shuffled one")
  func trustworthinessScale() {
    // Points on a line: the input itself as the embedding keeps all ranks.
    let n = 30
    let line: [Double] = (0..<n).flatMap { [Double($0), 0.0] }
    var distances = [Float](repeating: 0, count: n * n)
    for i in 0..<n { for j in 0..<n { distances[i * n + j] = Float((i - j) * (i - j)) } }
    #expect(abs(Trustworthiness.score(inputDistances: distances, embedding: line, count: n) - 1) < 1e-12)
    var random = SeededRandom(seed: 1)
    var shuffled: [Double] = []
    for _ in 0..<n { shuffled.append(random.uniform()); shuffled.append(random.uniform()) }
    #expect(Trustworthiness.score(inputDistances: distances, embedding: shuffled, count: n) < 0.8)
  }

  @Test("perplexity search hits the asked perplexity")
  func perplexity() {
    let distances = (0..<90).map { Double($0) * 0.1 }
    let p = SparseAffinities.conditional(distances, perplexity: 30)
    let entropy = -p.reduce(0) { $0 + ($1 > 0 ? $1 * log($1) : 0) }
    #expect(abs(exp(entropy) - 30) < 0.01)
    #expect(abs(p.reduce(0, +) - 1) < 1e-9)
  }
}
