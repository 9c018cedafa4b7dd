@testable import Engine

/// Finite-difference gradient checking of the engine's backward pass.
///
/// For a seed r at output y = f(x), backward gives g = ∂L/∂x for L = Σ r·y. The numeric estimate
/// is the central difference (L(x + h·eᵢ) − L(x − h·eᵢ)) / (2h), with L differences accumulated in
/// Float64 element by element, Σ_j r_j·(y⁺_j − y⁻_j), so outputs that xᵢ does not touch cancel
/// exactly and float32 rounding only enters through the outputs that change. The one-sided
/// differences D⁺ and D⁻ tell whether the step crossed a kink (ReLU at 0, a max-pool tie): there
/// they disagree, and the coordinate is skipped rather than compared.
struct GradientCheck {
  /// Step on the float32 input.
  var step: Float = 1e-2
  var relativeTolerance = 1e-2
  var absoluteTolerance = 1e-3
  /// Number of input coordinates checked (a random subset when the input is larger).
  var coordinates = 64
  /// Skip coordinates whose one-sided differences disagree (a kink inside the step). Off for the
  /// per-op checks, whose inputs are drawn away from kinks: there every coordinate is compared.
  var skipKinks = false
  /// With `skipKinks`, the fraction of the chosen coordinates that must still be compared.
  var minimumSmoothFraction = 0.75

  struct Mismatch: CustomStringConvertible {
    let index: [Int]
    let analytic: Double
    let numeric: Double
    var description: String { "at \(index): backward \(analytic), finite difference \(numeric)" }
  }

  struct Report: CustomStringConvertible {
    var compared = 0
    var skippedAtKinks = 0
    var mismatches: [Mismatch] = []
    var largestGradient = 0.0
    var description: String {
      let shown = mismatches.prefix(4).map(\.description).joined(separator: "; ")
      return "\(mismatches.count) of \(compared) coordinates differ (\(skippedAtKinks) skipped at kinks)\(shown.isEmpty ? "" : ": " + shown)"
    }
  }

  /// L(x') − L(x) = Σ r·(y' − y), in Float64.
  private static func lossChange(_ changed: Tensor, _ base: Tensor, _ seed: Tensor) -> Double {
    var sum = 0.0
    for j in 0..<seed.values.count { sum += Double(seed.values[j]) * (Double(changed.values[j]) - Double(base.values[j])) }
    return sum
  }

  /// Compares `analytic` (the backward result at x) with finite differences of Σ seed·evaluate(x).
  func compare(analytic: Tensor, at x: Tensor, seed: Tensor, random: inout SeededGenerator,
               evaluate: (Tensor) throws -> Tensor) throws -> Report {
    precondition(analytic.shape == x.shape, "gradient shape \(analytic.shape) differs from input shape \(x.shape)")
    let base = try evaluate(x)
    let chosen = Array((0..<x.count).shuffled(using: &random).prefix(coordinates)).sorted()
    let strides = Tensor.strides(of: x.shape)
    var report = Report()
    for i in chosen {
      var plus = x, minus = x
      plus.values[i] += step
      minus.values[i] -= step
      let up = Double(plus.values[i]) - Double(x.values[i]), down = Double(x.values[i]) - Double(minus.values[i])
      let lossUp = GradientCheck.lossChange(try evaluate(plus), base, seed)
      let lossDown = GradientCheck.lossChange(base, try evaluate(minus), seed)
      let forward = lossUp / up, backward = lossDown / down
      let central = (lossUp + lossDown) / (up + down)
      let value = Double(analytic.values[i])
      report.largestGradient = max(report.largestGradient, abs(value))
      // One-sided slopes differ by about h·|f''| on smooth functions, by a jump at a kink.
      if skipKinks, abs(forward - backward) > 1e-2 + 5e-2 * max(abs(forward), abs(backward)) {
        report.skippedAtKinks += 1
        continue
      }
      report.compared += 1
      if !(abs(value - central) <= absoluteTolerance + relativeTolerance * max(abs(central), abs(value))) {
        var index = [Int](repeating: 0, count: x.rank), rest = i
        for axis in 0..<x.rank { index[axis] = rest / strides[axis]; rest %= strides[axis] }
        report.mismatches.append(Mismatch(index: index, analytic: value, numeric: central))
      }
    }
    return report
  }

  /// Forward + backward on `network` from input x to `output` with a random seed, then `compare`.
  /// Returns the report and the backward gradient at the input.
  func check(_ network: Network, input x: Tensor, output: String, rule: BackwardRule = .standard,
             random: inout SeededGenerator) throws -> Report {
    let trace = try network.forward(x)
    let seed = random.tensor(try trace.shape(of: output))
    let gradient = try trace.backward(seed: seed, at: output, to: [network.inputName], rule: rule)
    guard let analytic = gradient[network.inputName] else {
      throw TestFailure("backward returned no gradient for '\(network.inputName)'")
    }
    return try compare(analytic: analytic, at: x, seed: seed, random: &random) {
      try network.forward($0).tensor(named: output)
    }
  }

  /// True when every compared coordinate matched and enough coordinates were smooth.
  func passed(_ report: Report) -> Bool {
    let total = report.compared + report.skippedAtKinks
    return report.mismatches.isEmpty && total > 0
      && Double(report.compared) >= minimumSmoothFraction * Double(total)
  }
}

/// A test-side error with a one-line description.
struct TestFailure: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
