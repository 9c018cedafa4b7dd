@testable import Engine
import Testing

// Gradient runs (`ForwardMode.gradients`) fuse conv → Relu/Clip and conv → Add [→ Relu/Clip] into the
// convolution primitive as forward-only runs do, never write the fused-away tensors, and keep every
// other one. Their gradients must be the keep-all run's (which the finite-difference tests check),
// under every ReLU rule, at the input and at an intermediate tensor named in `keeping:`.

/// max |a − b| / max |b|: the error relative to the gradient's scale (0 when both are zero).
func relativeError(_ actual: Tensor, _ expected: Tensor) -> Float {
  precondition(actual.shape == expected.shape, "shapes \(actual.shape) and \(expected.shape)")
  let scale = expected.values.reduce(0) { max($0, abs($1)) }
  let difference = zip(actual.values, expected.values).reduce(0) { max($0, abs($1.0 - $1.1)) }
  return difference == 0 ? 0 : difference / max(scale, .leastNormalMagnitude)
}

struct GradientModeCase: Sendable, CustomTestStringConvertible {
  var name: String
  var input: [Int]
  var build: @Sendable (inout SeededGenerator) throws -> Network
  var testDescription: String { name }

  static let all: [GradientModeCase] =
    NetworkCase.all.map { GradientModeCase(name: $0.name, input: $0.input, build: $0.build) }
    + FusionCase.all.map { GradientModeCase(name: $0.name, input: [2, $0.inputChannels, 9, 8], build: $0.build) }

  /// The rules a gradient method may pass: the three ReLU rules, with and without Clip following them.
  static let rules: [BackwardRule] = ReluRule.allCases.flatMap { [BackwardRule(relu: $0), BackwardRule(relu: $0, appliesToClip: false)] }
}

@Suite("Gradient runs fuse conv → Relu/Clip/Add and give the keep-all gradients")
struct GradientModeTests {
  @Test("gradients to the input and to a kept intermediate equal the keep-all run's, under every rule",
        arguments: GradientModeCase.all)
  func sameGradientsAsKeepAll(_ c: GradientModeCase) throws {
    var random = SeededGenerator(seed: 17)
    let network = try c.build(&random)
    let x = random.tensor(c.input, -2, 2)
    let keepAll = try network.forward(x)
    let output = network.outputNames[0]
    let seed = random.tensor(try keepAll.shape(of: output))
    // A tensor the gradient plan would fuse away (the first fused conv's output), kept on request.
    let plan = network.gradientFusionPlan
    let fusedConv = plan.fusions.keys.min()
    let intermediate = fusedConv.map { network.nodes[$0].outputs[0] }
    let gradients = try network.forward(x, mode: .gradients)
    let keeping = try network.forward(x, mode: .gradients, keeping: Set(intermediate.map { [$0] } ?? []))
    for rule in GradientModeCase.rules {
      let expected = try keepAll.backward(seed: seed, at: output, to: ["input"] + (intermediate.map { [$0] } ?? []), rule: rule)
      let fused = try #require(try gradients.backward(seed: seed, at: output, to: ["input"], rule: rule)["input"])
      let error = relativeError(fused, try #require(expected["input"]))
      #expect(error <= 1e-5, "\(c.name), \(rule): input gradient relative error \(error)")
      guard let intermediate else { continue }
      let kept = try keeping.backward(seed: seed, at: output, to: ["input", intermediate], rule: rule)
      for name in ["input", intermediate] {
        let keptError = relativeError(try #require(kept[name]), try #require(expected[name]))
        #expect(keptError <= 1e-5, "\(c.name), \(rule), keeping '\(intermediate)': gradient at '\(name)' relative error \(keptError)")
      }
    }
    // Every tensor the run kept holds the keep-all value (a residual copied, never accumulated into).
    for (name, value) in gradients.values {
      let error = relativeError(try value.tensor(), try keepAll.tensor(named: name))
      #expect(error <= 1e-5, "\(c.name): tensor '\(name)' differs from the keep-all run's by \(error)")
    }
  }

  @Test("the gradient plan absorbs residual Adds, Relu and Clip, and no activation that needs its input")
  func gradientPlanAbsorbsOnlyOutputMaskedActivations() throws {
    var random = SeededGenerator(seed: 5)
    // conv → Relu, LeakyRelu, Clip(0, 6), HardSwish, Sigmoid, Tanh in turn.
    let activations = try FusionCase.all[0].build(&random)
    #expect(activations.fusionPlan.fusions.count == 6)
    let absorbed = activations.gradientFusionPlan.fusions.values.flatMap(\.absorbed).map { activations.nodes[$0].op.typeName }
    #expect(absorbed.sorted() == ["Clip", "Relu"], "absorbed: \(absorbed)")
    // The residual block: stem → Relu, conv_a → Relu, conv_b → Add → Relu, the residual copied.
    let residual = try FusionCase.all[1].build(&random)
    let plan = residual.gradientFusionPlan
    #expect(plan.fusions.count == 3 && plan.fusions.values.filter { $0.residual != nil }.count == 1)
    #expect(residual.program.gradientFusions.allSatisfy { $0.map { !$0.residualMayBeOverwritten } ?? true })
  }

  @Test("a lookup of a fused-away tensor names it and says to pass it in keeping:")
  func fusedAwayLookup() throws {
    var random = SeededGenerator(seed: 8)
    let network = try SmallNetworks.residual(&random)  // conv_a → relu_a fuses: "a" is never written
    let x = random.tensor([1, 3, 8, 8])
    let trace = try network.forward(x, mode: .gradients)
    #expect(trace.fusedAway.keys.sorted() == ["a", "b", "sum"], "fused away: \(trace.fusedAway.keys.sorted())")
    let lookup = try #require(thrownMessage { _ = try trace.tensor(named: "a") })
    #expect(lookup.contains("'a'") && lookup.contains("keeping:"), "\(lookup)")
    #expect(try trace.shape(of: "a") == [1, 6, 8, 8])
    let seed = random.tensor(try trace.shape(of: "output"))
    let target = try #require(thrownMessage { _ = try trace.backward(seed: seed, at: "output", to: ["input", "a"]) })
    #expect(target.contains("'a'") && target.contains("keeping:"), "\(target)")
    // Kept on request: present, and equal to the keep-all value.
    let kept = try network.forward(x, mode: .gradients, keeping: ["a"])
    #expect(try kept.tensor(named: "a").values == network.forward(x).tensor(named: "a").values)
    #expect(kept.fusedAway["a"] == nil)
  }

  @Test("a ReLU backward writing into its gradient's buffer leaves a requested tensor's gradient intact")
  func inPlaceLeavesTargetsIntact() throws {
    var random = SeededGenerator(seed: 11)
    let network = try FusionCase.all[1].build(&random)  // stem → relu "x" → ... → Add(·, x) → Relu
    let x = random.tensor([2, 3, 9, 8], -2, 2)
    for mode in [ForwardMode.keepAll, .gradients] {
      let trace = try network.forward(x, mode: mode)
      let seed = random.tensor(try trace.shape(of: "output"))
      // Asking for "input" too runs stem_relu's backward on x's gradient, which is also returned.
      let both = try trace.backward(seed: seed, at: "output", to: ["input", "x"])
      let alone = try trace.backward(seed: seed, at: "output", to: ["x"])
      #expect(both["x"] == alone["x"], "\(mode): the gradient at 'x' changed when 'input' was asked for too")
    }
  }

}
