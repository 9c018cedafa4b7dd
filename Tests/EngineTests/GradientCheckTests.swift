@testable import Engine
import Testing

/// How a case's input is drawn: keep away from kinks (ReLU at 0, HardSwish at ±3, Clip bounds)
/// and from ties (max pooling) so that a finite-difference step of ±h stays on one smooth piece.
enum InputSampling: Sendable {
  case uniform(Float, Float)
  case avoiding([Float], margin: Float, low: Float, high: Float)
  /// Distinct values `spacing` apart in random order (no ties within a max-pool window).
  case distinct(spacing: Float)

  func draw(_ count: Int, _ random: inout SeededGenerator) -> [Float] {
    switch self {
    case .uniform(let low, let high): return random.floats(count, low, high)
    case .avoiding(let kinks, let margin, let low, let high):
      return random.floats(count, low, high, avoiding: kinks, margin: margin)
    case .distinct(let spacing): return random.distinctFloats(count, spacing: spacing)
    }
  }
}

/// The graph a case builds after the (optional) blocked copy: nodes reading `source`, the tensor
/// to seed, and named constants.
struct CaseGraph {
  var nodes: [Node]
  var output: String
  var constants: [String: Tensor] = [:]
}

/// One op configuration for the finite-difference check. With `blocked`, a channel-permuting 1×1
/// convolution first copies the input into the blocked layout, so the op runs (forward and
/// backward) on nChw16c values; the permutation copies values exactly, keeping the sampling's
/// distance from kinks.
struct OpCase: Sendable, CustomTestStringConvertible, CustomStringConvertible {
  let name: String
  let input: [Int]
  var sampling: InputSampling = .uniform(-2, 2)
  var blocked = false
  let build: @Sendable (_ source: String, _ random: inout SeededGenerator) throws -> CaseGraph

  var testDescription: String { "\(name) \(input)\(blocked ? " blocked" : "")" }
  var description: String { testDescription }

  /// The network, its input and the tensor to seed.
  func make(_ random: inout SeededGenerator) throws -> (network: Network, input: Tensor, output: String) {
    let x = Tensor(shape: input, values: sampling.draw(input.reduce(1, *), &random))
    var nodes: [Node] = []
    var source = TestNet.input
    if blocked {
      nodes.append(try TestNet.blockedCopy(of: source, channels: input[1], output: "blocked"))
      source = "blocked"
    }
    let graph = try build(source, &random)
    let network = try TestNet.network(nodes + graph.nodes, output: graph.output, constants: graph.constants)
    return (network, x, graph.output)
  }

  /// One node `op` reading `source` (and any extra named inputs), output "y".
  static func single(_ name: String, _ input: [Int], _ sampling: InputSampling = .uniform(-2, 2), blocked: Bool = false,
                     _ op: @escaping @Sendable (inout SeededGenerator) throws -> any Op) -> OpCase {
    OpCase(name: name, input: input, sampling: sampling, blocked: blocked) { source, random in
      CaseGraph(nodes: [Node(name: name, op: try op(&random), inputs: [source], outputs: ["y"])], output: "y")
    }
  }

  /// The same single-op case on a plain and on a blocked input.
  static func bothLayouts(_ name: String, _ input: [Int], _ sampling: InputSampling = .uniform(-2, 2),
                          _ op: @escaping @Sendable (inout SeededGenerator) throws -> any Op) -> [OpCase] {
    [single(name, input, sampling, op), single(name, input, sampling, blocked: true, op)]
  }

  static var all: [OpCase] {
    convolutionAndPooling + linearAlgebra + arithmetic + dataMovement + activations + normalization + transformerOps
  }
}

@Suite("Finite-difference gradient check of every op")
struct GradientCheckTests {
  @Test("backward matches central differences", arguments: OpCase.all)
  func gradientMatchesFiniteDifferences(_ opCase: OpCase) throws {
    var random = SeededGenerator(seed: 2024)
    let (network, x, output) = try opCase.make(&random)
    if opCase.blocked {
      let trace = try network.forward(x)
      try #require(TestNet.layout(of: "blocked", in: trace) == .native, "\(opCase): the op's input is not blocked")
    }
    let check = GradientCheck()
    let report = try check.check(network, input: x, output: output, random: &random)
    #expect(check.passed(report), "\(opCase): \(report)")
    #expect(report.largestGradient > 1e-3, "\(opCase): the gradient is (almost) zero everywhere checked: \(report)")
  }
}

/// The checker itself must be able to fail: an op whose backward is off by 10% is caught.
@Suite("Finite-difference checker")
struct GradientCheckerSelfTests {
  /// y = 2x, with a backward that returns 2.2·dy.
  final class WrongBackward: ExecutableOp, @unchecked Sendable {
    let typeName = "WrongBackward"
    let traits: OpTraits = .pointwise
    func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] { [inputShapes[0]] }
    func forward(_ inputs: [Value]) throws -> [Value] { [scaled(inputs[0], by: 2)] }
    func backward(_ pass: BackwardPass) throws -> [Value?] { [pass.outputGradients[0].map { scaled($0, by: 2.2) }] }
    private func scaled(_ value: Value, by factor: Float) -> Value {
      let out = FloatBuffer(count: value.buffer.count)
      for i in 0..<value.buffer.count { out.pointer[i] = factor * value.buffer.pointer[i] }
      return Value(shape: value.shape, layout: value.layout, buffer: out)
    }
  }

  @Test("a backward that is 10% off is reported")
  func catchesWrongBackward() throws {
    var random = SeededGenerator(seed: 5)
    let network = try TestNet.network([Node(name: "wrong", op: WrongBackward(), inputs: ["input"], outputs: ["y"])], output: "y")
    let check = GradientCheck()
    let report = try check.check(network, input: random.tensor([2, 3, 4, 5]), output: "y", random: &random)
    #expect(!check.passed(report))
    #expect(report.mismatches.count == report.compared && report.compared == 64, "\(report)")
  }
}
