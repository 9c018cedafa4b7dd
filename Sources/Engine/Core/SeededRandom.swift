import Foundation

/// A small deterministic generator (SplitMix64, Steele et al. 2014) so seeded runs repeat exactly on
/// every platform.
public struct SeededRandom: RandomNumberGenerator, Sendable {
  private var state: UInt64
  public init(seed: UInt64) { state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Uniform in [0, 1) with 53 random bits.
  public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

  /// Standard normal by Box-Muller.
  public mutating func normal() -> Double {
    let u1 = max(uniform(), 1e-300), u2 = uniform()
    return sqrt(-2 * log(u1)) * cos(2 * Double.pi * u2)
  }
}
