@testable import Engine

/// A small deterministic generator (SplitMix64, Steele et al. 2014) so every test input is
/// reproducible from its seed.
struct SeededGenerator: RandomNumberGenerator, Sendable {
  private var state: UInt64
  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  mutating func uniform(_ low: Float, _ high: Float) -> Float { Float.random(in: low..<high, using: &self) }

  mutating func floats(_ count: Int, _ low: Float = -1, _ high: Float = 1) -> [Float] {
    (0..<count).map { _ in uniform(low, high) }
  }

  /// Uniform values in [low, high) at least `margin` away from every point of `kinks`, so that a
  /// finite-difference step never crosses a point where the function is not differentiable.
  mutating func floats(_ count: Int, _ low: Float, _ high: Float, avoiding kinks: [Float], margin: Float) -> [Float] {
    (0..<count).map { _ in
      while true {
        let value = uniform(low, high)
        if kinks.allSatisfy({ abs(value - $0) >= margin }) { return value }
      }
    }
  }

  /// `count` distinct values spaced `spacing` apart, in random order (no ties for max pooling:
  /// a step smaller than spacing/2 never changes which element is the maximum).
  mutating func distinctFloats(_ count: Int, spacing: Float) -> [Float] {
    let centre = Float(count) * spacing / 2
    return (0..<count).map { Float($0) * spacing - centre }.shuffled(using: &self)
  }

  /// A tensor of uniform values in [low, high).
  mutating func tensor(_ shape: [Int], _ low: Float = -1, _ high: Float = 1) -> Tensor {
    Tensor(shape: shape, values: floats(shape.reduce(1, *), low, high))
  }

  /// Convolution weights [M, C/group, kH, kW] scaled by 1/√fan-in so outputs stay of order 1.
  mutating func convWeights(_ shape: [Int]) -> Tensor {
    let fanIn = Float(shape.dropFirst().reduce(1, *))
    let bound = 1 / fanIn.squareRoot() * 1.5
    return tensor(shape, -bound, bound)
  }
}

/// The largest absolute difference between two equally long arrays, and where it is.
struct MaxDifference: CustomStringConvertible {
  let value: Double
  let index: Int
  let actual: Double
  let expected: Double

  init(_ actual: [Float], _ expected: [Double]) {
    precondition(actual.count == expected.count, "MaxDifference: \(actual.count) vs \(expected.count) values")
    var best = (value: 0.0, index: 0)
    for i in actual.indices {
      let d = abs(Double(actual[i]) - expected[i])
      if !(d <= best.value) { best = (d.isNaN ? .infinity : d, i) }
    }
    value = best.value
    index = best.index
    self.actual = actual.isEmpty ? 0 : Double(actual[best.index])
    self.expected = expected.isEmpty ? 0 : expected[best.index]
  }

  init(_ actual: [Float], _ expected: [Float]) { self.init(actual, expected.map(Double.init)) }

  var description: String { "max abs diff \(value) at flat index \(index) (got \(actual), expected \(expected))" }
}
