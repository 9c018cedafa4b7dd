@testable import Engine
import Testing

struct NetworkCase: Sendable, CustomTestStringConvertible, CustomStringConvertible {
  let name: String
  let input: [Int]
  let build: @Sendable (inout SeededGenerator) throws -> Network
  var testDescription: String { name }
  var description: String { name }

  static let all: [NetworkCase] = [
    NetworkCase(name: "conv-bn-relu-maxpool", input: [2, 3, 7, 6], build: SmallNetworks.convBnReluMaxPool),
    NetworkCase(name: "residual add", input: [2, 3, 7, 6], build: SmallNetworks.residual),
    NetworkCase(name: "depthwise-separable block with ReLU6", input: [2, 5, 7, 6], build: SmallNetworks.depthwiseSeparable),
    NetworkCase(name: "GAP + Gemm classifier", input: [2, 3, 7, 6], build: SmallNetworks.classifier),
    NetworkCase(name: "squeeze-excitation", input: [2, 3, 7, 6], build: SmallNetworks.squeezeExcitation),
  ]
}

@Suite("End-to-end gradient checks on small networks")
struct NetworkGradientTests {
  /// Inputs are not steered away from kinks here (ReLUs and max-pool ties sit inside the network),
  /// so coordinates whose step crosses one are skipped; at least 75% must be smooth and match.
  let check = GradientCheck(step: 2e-3, skipKinks: true)

  @Test("input gradient matches central differences", arguments: NetworkCase.all)
  func inputGradient(_ networkCase: NetworkCase) throws {
    var random = SeededGenerator(seed: 7)
    let network = try networkCase.build(&random)
    let x = random.tensor(networkCase.input, -2, 2)
    let report = try check.check(network, input: x, output: "output", random: &random)
    #expect(check.passed(report), "\(networkCase): \(report)")
    #expect(report.largestGradient > 1e-3, "\(networkCase): gradient (almost) zero: \(report)")
  }

  @Test("gradient at an intermediate tensor matches central differences there", arguments: NetworkCase.all)
  func intermediateGradient(_ networkCase: NetworkCase) throws {
    var random = SeededGenerator(seed: 8)
    let network = try networkCase.build(&random)
    let x = random.tensor(networkCase.input, -2, 2)
    let trace = try network.forward(x)
    let seed = random.tensor(try trace.shape(of: "output"))
    let both = try trace.backward(seed: seed, at: "output", to: ["input", "mid"])
    let inputOnly = try trace.backward(seed: seed, at: "output", to: ["input"])
    let mid = try #require(both["mid"], "\(networkCase): no gradient returned for 'mid'")
    let inputGradient = try #require(both["input"], "\(networkCase): no gradient returned for 'input'")
    #expect(inputGradient == inputOnly["input"], "\(networkCase): asking for 'mid' too changed the input gradient")
    let midShape = try trace.shape(of: "mid")
    #expect(mid.shape == midShape, "\(networkCase): gradient at 'mid' has shape \(mid.shape), tensor \(midShape)")

    // Finite differences on the rest of the network, fed the recorded 'mid' activation.
    let tail = try SmallNetworks.tail(of: network, from: "mid")
    let midValue = try trace.tensor(named: "mid")
    let report = try check.compare(analytic: mid, at: midValue, seed: seed, random: &random) {
      try tail.forward($0).tensor(named: "output")
    }
    #expect(check.passed(report), "\(networkCase) at 'mid': \(report)")
  }

  @Test("a tensor feeding two nodes gets the sum of both gradients")
  func fanOutSums() throws {
    var random = SeededGenerator(seed: 9)
    let x = random.tensor([2, 5, 3, 4])
    let seed = random.tensor([2, 5, 3, 4])
    // y = x + x: dL/dx = 2r.   y = x · x: dL/dx = 2·x·r.
    for (kind, expected) in [(BinaryArithmetic.Kind.add, zip(x.values, seed.values).map { _, r in 2 * Double(r) }),
                             (.mul, zip(x.values, seed.values).map { v, r in 2 * Double(v) * Double(r) })] {
      let network = try TestNet.network([Node(name: "op", op: BinaryArithmetic(kind), inputs: ["input", "input"], outputs: ["y"])],
                                        output: "y")
      let gradient = try network.forward(x).backward(seed: seed, at: "y", to: ["input"])["input"]
      let difference = MaxDifference(try #require(gradient).values, expected)
      #expect(difference.value <= 1e-6, "\(kind.rawValue)(x, x): \(difference)")
    }
    // Two different consumers (a blocked conv path and an element-wise path) of the same tensor.
    let conv = try Conv(weights: random.convWeights([5, 5, 1, 1]), bias: nil)
    let network = try TestNet.network([
      Node(name: "conv", op: conv, inputs: ["input"], outputs: ["c"]),
      Node(name: "tanh", op: Tanh(), inputs: ["input"], outputs: ["t"]),
      Node(name: "add", op: BinaryArithmetic(.add), inputs: ["c", "t"], outputs: ["y"]),
    ], output: "y")
    let trace = try network.forward(x)
    let summed = try #require(try trace.backward(seed: seed, at: "y", to: ["input"])["input"])
    let viaConv = try #require(try trace.backward(seed: seed, at: "c", to: ["input"])["input"])
    let viaTanh = try #require(try trace.backward(seed: seed, at: "t", to: ["input"])["input"])
    let difference = MaxDifference(summed.values, zip(viaConv.values, viaTanh.values).map { Double($0) + Double($1) })
    #expect(difference.value <= 1e-5, "conv + tanh consumers: \(difference)")
  }

  @Test("a batch of 2 with different one-hot targets gives each image its own gradient")
  func batchedTargets() throws {
    var random = SeededGenerator(seed: 10)
    let network = try SmallNetworks.classifier(&random)
    let batch = random.tensor([2, 3, 7, 6], -2, 2)
    let targets = [3, 7]
    let trace = try network.forward(batch)
    let seed = try Trace.oneHotSeed(shape: try trace.shape(of: "output"), classes: targets)
    let batched = try #require(try trace.backward(seed: seed, at: "output", to: ["input"])["input"])
    try #require(batched.shape == batch.shape, "batched gradient has shape \(batched.shape)")
    var alone: [Tensor] = []
    for (item, target) in targets.enumerated() {
      let single = batch.item(item)
      let singleTrace = try network.forward(single)
      let singleSeed = try Trace.oneHotSeed(shape: [1, SmallNetworks.classes], classes: [target])
      let gradient = try #require(try singleTrace.backward(seed: singleSeed, at: "output", to: ["input"])["input"])
      alone.append(gradient)
      let difference = MaxDifference(batched.item(item).values, gradient.values)
      #expect(difference.value <= 1e-5, "item \(item) (class \(target)): batch vs alone \(difference)")
    }
    // The two targets differ, so the two images' gradients must too (each got its own seed).
    let crossed = MaxDifference(alone[0].values, alone[1].values)
    #expect(crossed.value > 1e-3, "the two items' gradients are identical: \(crossed)")
  }

  @Test("a target the seed does not depend on gets zeros; the seed tensor itself gets the seed")
  func unrelatedTargetAndSeedItself() throws {
    var random = SeededGenerator(seed: 12)
    let network = try TestNet.network([
      Node(name: "branch", op: Tanh(), inputs: ["input"], outputs: ["side"]),
      Node(name: "conv", op: try SmallNetworks.conv(&random, 3, 20), inputs: ["input"], outputs: ["c"]),
      Node(name: "relu", op: Relu(), inputs: ["c"], outputs: ["y"]),
    ], output: "y")
    let trace = try network.forward(random.tensor([2, 3, 5, 4]))
    let seed = random.tensor(try trace.shape(of: "c"))
    let gradients = try trace.backward(seed: seed, at: "c", to: ["side", "c", "input"])
    let side = try #require(gradients["side"], "no gradient returned for 'side'")
    #expect(side.shape == [2, 3, 5, 4] && side.values.allSatisfy { $0 == 0 }, "'side' does not feed 'c': its gradient must be zero")
    #expect(gradients["c"] == seed, "the gradient at the seed tensor must be the seed (blocked 'c' reordered back)")
    #expect(gradients["input"]?.values.contains { $0 != 0 } == true, "the input gradient is zero")
  }

  @Test("only nodes between the targets and the seed are visited")
  func visitsOnlyTheNeededPart() throws {
    var random = SeededGenerator(seed: 11)
    let x = random.tensor([1, 3, 4, 4])
    // 'before' precedes the target 'mid'; 'side' is a branch the seed does not depend on.
    // Both have a backward that throws, so visiting either fails the call.
    let network = try TestNet.network([
      Node(name: "before", op: ThrowingBackward(), inputs: ["input"], outputs: ["mid"]),
      Node(name: "side", op: ThrowingBackward(), inputs: ["mid"], outputs: ["unused"]),
      Node(name: "sigmoid", op: Sigmoid(), inputs: ["mid"], outputs: ["y"]),
    ], output: "y")
    let trace = try network.forward(x)
    let seed = random.tensor([1, 3, 4, 4])
    let gradient = try #require(try trace.backward(seed: seed, at: "y", to: ["mid"])["mid"])
    let y = try trace.tensor(named: "y")
    let expected = (0..<y.count).map { Double(seed.values[$0]) * Double(y.values[$0]) * (1 - Double(y.values[$0])) }
    #expect(MaxDifference(gradient.values, expected).value <= 1e-6)
    // Asking for the input does need 'before': its error must surface, naming the node.
    #expect { _ = try trace.backward(seed: seed, at: "y", to: ["input"]) } throws: { error in
      "\(error)".contains("before")
    }
  }
}

/// Identity forward whose backward throws: detects that backward visited a node.
final class ThrowingBackward: ExecutableOp, @unchecked Sendable {
  let typeName = "ThrowingBackward"
  let traits: OpTraits = .identity
  func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] { [inputShapes[0]] }
  func forward(_ inputs: [Value]) throws -> [Value] { [inputs[0]] }
  func backward(_ pass: BackwardPass) throws -> [Value?] { throw EngineError("backward of this node must not run") }
}
