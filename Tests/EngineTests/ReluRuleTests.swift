@testable import Engine
import Testing

// The ReLU backward rules (Springenberg et al. 2014, Fig. 1) on hand-computed cases:
//   standard  R_in = 1[x > 0]·R       guided  R_in = 1[x > 0]·1[R > 0]·R       deconvnet  R_in = 1[R > 0]·R
// and Clip(0, 6) (ReLU6) with the forward mask 1[0 < x < 6], following the rule only when
// `appliesToClip` is true.

@Suite("Guided and deconvnet backward rules")
struct ReluRuleTests {
  /// Gradient at the op's input for seed `dy` at its output, with the op's input laid out plain
  /// (x given as [1, C, 1, 1]) or blocked (after a channel-reversing 1×1 conv; the input is
  /// pre-reversed so that the op still sees x). The pattern is tiled to 20 channels so that the
  /// blocked case has a partly filled channel block.
  private func gradient(_ op: any Op, x: [Float], dy: [Float], rule: BackwardRule, blocked: Bool) throws -> [Float] {
    let repeats = 20 / x.count + 1
    let tiledX = Array([[Float]](repeating: x, count: repeats).joined()), tiledDy = Array([[Float]](repeating: dy, count: repeats).joined())
    let c = tiledX.count
    let opInput = blocked ? "blocked" : TestNet.input
    var nodes = [Node(name: "op", op: op, inputs: [opInput], outputs: ["y"])]
    var input = Tensor(shape: [1, c, 1, 1], values: tiledX)
    if blocked {
      nodes.insert(try TestNet.blockedCopy(of: TestNet.input, channels: c, output: "blocked"), at: 0)
      input = TestNet.reversingChannels(input)
    }
    let trace = try TestNet.network(nodes, output: "y").forward(input)
    if blocked { #expect(TestNet.layout(of: "blocked", in: trace) == .native) }
    let result = try trace.backward(seed: Tensor(shape: [1, c, 1, 1], values: tiledDy), at: "y", to: [opInput], rule: rule)
    let values = try #require(result[opInput]).values
    // Every tile must agree; return the first.
    for tile in 1..<repeats {
      #expect(Array(values[(tile * x.count)..<((tile + 1) * x.count)]) == Array(values[0..<x.count]), "tile \(tile) differs")
    }
    return Array(values[0..<x.count])
  }

  static let reluX: [Float] = [-1, 2, 3, -4, 0]
  static let reluDy: [Float] = [1, -1, 2, 3, 5]

  @Test("Relu: standard, guided and deconvnet on a hand-computed case", arguments: [false, true])
  func relu(blocked: Bool) throws {
    let cases: [(ReluRule, [Float])] = [
      (.standard, [0, -1, 2, 0, 0]),   // forward mask x > 0 (0 at x = 0, as PyTorch)
      (.guided, [0, 0, 2, 0, 0]),      // forward mask and positive gradient only
      (.deconvnet, [1, 0, 2, 3, 5]),   // positive gradient, forward mask ignored
    ]
    for (rule, expected) in cases {
      for appliesToClip in [true, false] {  // the Clip setting never changes Relu
        let got = try gradient(Relu(), x: Self.reluX, dy: Self.reluDy,
                               rule: BackwardRule(relu: rule, appliesToClip: appliesToClip), blocked: blocked)
        #expect(got == expected, "Relu \(rule) (appliesToClip \(appliesToClip), blocked \(blocked)): got \(got)")
      }
    }
  }

  static let clipX: [Float] = [-1, 2, 7, 3, 8, -2]
  static let clipDy: [Float] = [1, -1, 2, 3, -1, -3]

  @Test("Clip(0, 6) follows the rule only when appliesToClip is true", arguments: [false, true])
  func relu6(blocked: Bool) throws {
    let standard: [Float] = [0, -1, 0, 3, 0, 0]  // mask 0 < x < 6
    let cases: [(ReluRule, Bool, [Float])] = [
      (.standard, true, standard),
      (.guided, true, [0, 0, 0, 3, 0, 0]),       // 1[0 < x < 6]·1[g > 0]·g
      (.deconvnet, true, [1, 0, 2, 3, 0, 0]),    // max(g, 0)
      (.standard, false, standard),
      (.guided, false, standard),                // captum: ReLU6 keeps its ordinary gradient
      (.deconvnet, false, standard),
    ]
    for (rule, appliesToClip, expected) in cases {
      let got = try gradient(Clip(low: 0, high: 6), x: Self.clipX, dy: Self.clipDy,
                             rule: BackwardRule(relu: rule, appliesToClip: appliesToClip), blocked: blocked)
      #expect(got == expected, "Clip(0, 6) \(rule) appliesToClip \(appliesToClip) blocked \(blocked): got \(got)")
    }
  }

  @Test("a Clip that is not ReLU-like (min ≠ 0) ignores the rule")
  func otherClip() throws {
    let x: [Float] = [-2, 0.5, -0.5, 3], dy: [Float] = [1, -1, 2, 3]
    for rule in ReluRule.allCases {
      let got = try gradient(Clip(low: -1, high: 1), x: x, dy: dy, rule: BackwardRule(relu: rule), blocked: false)
      #expect(got == [0, -1, 2, 0], "Clip(-1, 1) under \(rule): got \(got)")
    }
  }

  @Test("the rules do not touch non-ReLU ops")
  func nonReluOpsUnchanged() throws {
    var random = SeededGenerator(seed: 21)
    // Every op here has negative inputs and gets negative gradients, so a rule applied by mistake shows.
    let network = try TestNet.network([
      Node(name: "conv", op: try SmallNetworks.conv(&random, 3, 20), inputs: ["input"], outputs: ["c"]),
      Node(name: "bn", op: try SmallNetworks.batchNorm(&random, 20), inputs: ["c"], outputs: ["b"]),
      Node(name: "leaky", op: LeakyRelu(alpha: 0.1), inputs: ["b"], outputs: ["l"]),
      Node(name: "prelu", op: PRelu(slope: random.floats(20, 0.1, 0.3)), inputs: ["l"], outputs: ["p"]),
      Node(name: "hardswish", op: HardSwish(), inputs: ["p"], outputs: ["h"]),
      Node(name: "pool", op: try Pool(kind: .max, kernel: [2, 2], strides: [2, 2]), inputs: ["h"], outputs: ["m"]),
      Node(name: "tanh", op: Tanh(), inputs: ["m"], outputs: ["t"]),
      Node(name: "hardsigmoid", op: HardSigmoid(), inputs: ["t"], outputs: ["s"]),
      Node(name: "sigmoid", op: Sigmoid(), inputs: ["s"], outputs: ["y"]),
    ], output: "y")
    let x = random.tensor([2, 3, 6, 6], -2, 2)
    let trace = try network.forward(x)
    let seed = random.tensor(try trace.shape(of: "y"))
    let standard = try #require(try trace.backward(seed: seed, at: "y", to: ["input"], rule: .standard)["input"])
    #expect(standard.values.contains { $0 != 0 }, "the standard gradient is zero")
    for rule in [ReluRule.guided, .deconvnet] {
      for appliesToClip in [true, false] {
        let other = try trace.backward(seed: seed, at: "y", to: ["input"], rule: BackwardRule(relu: rule, appliesToClip: appliesToClip))
        #expect(other["input"] == standard, "\(rule) (appliesToClip \(appliesToClip)) changed a network without ReLUs")
      }
    }
  }

  @Test("the ReLU backward writes into the arriving gradient's buffer only when nothing else holds it")
  func inPlaceOnlyWhenUnique() throws {
    let y = Value(Tensor(shape: [1, 4, 1, 1], values: [0, 1, 0, 2]))
    // The mask comes from y: the input is never read (a gradient run may not have it), so pass none.
    let pass = BackwardPass(inputs: [Value(zeros: [0])], outputs: [y],
                            outputGradients: [Value(Tensor(shape: [1, 4, 1, 1], values: [1, 2, 3, 4]))], needsGradient: [true], rule: .standard)
    let arriving = try #require(pass.outputGradients[0]).buffer.pointer
    let alone = try #require(try Relu().backward(pass)[0])
    #expect(alone.buffer.pointer == arriving, "a gradient nothing else holds was copied")
    #expect(alone.buffer.array == [0, 2, 0, 4])

    let shared = Value(Tensor(shape: [1, 4, 1, 1], values: [1, 2, 3, 4]))
    let sharedPass = BackwardPass(inputs: [y], outputs: [y], outputGradients: [shared], needsGradient: [true], rule: .standard)
    let copied = try #require(try Relu().backward(sharedPass)[0])
    #expect(copied.buffer.pointer != shared.buffer.pointer)
    #expect(copied.buffer.array == [0, 2, 0, 4] && shared.buffer.array == [1, 2, 3, 4], "the shared gradient was overwritten")
  }

  @Test("oneDNN's eltwise backward and the Swift loops agree on every rule, plain and blocked (20 channels: padded lanes)")
  func eltwiseMatchesLoops() throws {
    var random = SeededGenerator(seed: 23)
    for (low, high) in [(Float(0), Float.infinity), (0, 6), (-1, 1)] {
      for layout in [Layout.plain, .native] {
        // y as the unit's forward gives it, from x in [-3, 9]; exact zeros and bounds included.
        let x = try Reorder.value(Value(random.tensor([2, 20, 3, 5], -3, 9)), to: layout)
        let y = Elementwise.map(x) { min(max($0, low), high) }
        let g = try Reorder.value(Value(random.tensor([2, 20, 3, 5])), to: layout)
        for rule in ReluRule.allCases {
          func pass() -> BackwardPass {
            BackwardPass(inputs: [x], outputs: [y], outputGradients: [g], needsGradient: [true], rule: BackwardRule(relu: rule))
          }
          let eltwise = try #require(try Elementwise.reluFamilyGradient(pass(), low: low, high: high, rule: rule)[0])
          let loop = try #require(try Elementwise.reluFamilyGradientLoop(pass(), low: low, high: high, rule: rule)[0])
          #expect(eltwise.buffer.array == loop.buffer.array, "Clip(\(low), \(high)) \(rule) \(layout): oneDNN and the loop differ")
        }
      }
    }
  }
}
