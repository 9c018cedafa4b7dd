import Foundation
@testable import Methods
import Testing

@Suite("Shared helpers: quadrature, upsampling, normalisation")
struct HelperTests {
  @Test("Gauss-Legendre with n nodes integrates x^k exactly on [0, 1] for k ≤ 2n − 1", arguments: [1, 2, 5, 32])
  func gaussLegendreIsExact(n: Int) {
    let (nodes, weights) = Quadrature.gaussLegendre.nodesAndWeights(n)
    #expect(nodes.count == n)
    for degree in 0...(2 * n - 1) {
      let integral = zip(nodes, weights).reduce(0.0) { $0 + $1.1 * pow($1.0, Double(degree)) }
      #expect(abs(integral - 1 / Double(degree + 1)) < 1e-12, "degree \(degree): \(integral)")
    }
  }

  @Test("Gauss-Legendre nodes for n = 2 are ±1/√3 on [−1, 1] with weights 1")
  func gaussLegendreTwoPoints() {
    let (nodes, weights) = GaussLegendre.rule(2)
    #expect(abs(nodes[0] + 1 / 3.0.squareRoot()) < 1e-15 && abs(nodes[1] - 1 / 3.0.squareRoot()) < 1e-15)
    #expect(abs(weights[0] - 1) < 1e-14 && abs(weights[1] - 1) < 1e-14)
  }

  @Test("trapezoid rule: equally spaced nodes, step 1/(n − 1), halved end weights (weights sum to 1)")
  func trapezoid() {
    let (nodes, weights) = Quadrature.riemannTrapezoid.nodesAndWeights(5)
    #expect(nodes == [0, 0.25, 0.5, 0.75, 1])
    #expect(weights == [0.125, 0.25, 0.25, 0.25, 0.125])
  }

  @Test("bilinear with half-pixel centres: 2×2 → 4×4 against hand values")
  func bilinearHalfPixel() {
    // src = (dst + 0.5)/2 − 0.5 clamped at 0: rows/columns sample 0, 0.25, 0.75, 1.
    let out = Upsampling.bilinear.resize([0, 1, 2, 3], height: 2, width: 2, toHeight: 4, width: 4)
    let ramp: [Float] = [0, 0.25, 0.75, 1]
    let expected = (0..<4).flatMap { y in (0..<4).map { x in 2 * ramp[y] + ramp[x] } }
    #expect(out == expected)
  }

  @Test("bilinear with aligned corners and nearest: 2×2 → 3×3 and 4×4 against hand values")
  func alignCornersAndNearest() {
    let aligned = Upsampling.bilinearAlignCorners.resize([0, 1, 2, 3], height: 2, width: 2, toHeight: 3, width: 3)
    #expect(aligned == [0, 0.5, 1, 1, 1.5, 2, 2, 2.5, 3])
    let nearest = Upsampling.nearest.resize([0, 1, 2, 3], height: 2, width: 2, toHeight: 4, width: 4)
    #expect(nearest == [0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3])
  }

  @Test("min-max normalisation maps to [0, 1] with ε 1e-7")
  func normalise() {
    let normalised = Normalization.minMax([2, 4, 6])
    #expect(normalised[0] == 0 && abs(normalised[1] - 0.5) < 1e-6 && normalised[2] <= 1 && normalised[2] > 0.9999)
  }
}
