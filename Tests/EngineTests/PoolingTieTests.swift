@testable import Engine
import Testing

// Max pooling at ties, where the gradient is not defined by the function: the engine must follow
// PyTorch and route each window's gradient to the FIRST maximum (row-major window order), so that
// saliency maps match PyTorch's. Inputs drawn from {0, 1, 2} make ties the rule, not the exception.

struct TiedPoolCase: Sendable, CustomTestStringConvertible, CustomStringConvertible {
  var input: [Int]
  var kernel: [Int]
  var strides: [Int]
  var padding: NaiveReference.Padding = .explicit(begin: [0, 0], end: [0, 0])
  var ceilMode = false
  var blocked = false
  var testDescription: String {
    "\(input) kernel \(kernel) strides \(strides) \(padding.label)\(ceilMode ? " ceil_mode" : "")\(blocked ? " blocked" : "")"
  }
  var description: String { testDescription }
}

@Suite("Max pooling routes gradients to the first maximum at ties")
struct PoolingTieTests {
  private func tiedInput(_ shape: [Int], _ random: inout SeededGenerator) -> Tensor {
    Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in Float(Int.random(in: 0...2, using: &random)) })
  }

  /// In keep-all runs the backward runs the training forward again for the arg-max; gradient runs keep
  /// the workspace of their one training forward. Both must route to the first maximum.
  @Test("MaxPool backward at ties equals the first-maximum reference, recomputed or from the kept workspace", arguments: [
    TiedPoolCase(input: [2, 3, 6, 6], kernel: [2, 2], strides: [2, 2]),
    TiedPoolCase(input: [2, 5, 7, 6], kernel: [3, 3], strides: [1, 1], padding: .explicit(begin: [1, 1], end: [1, 1])),
    TiedPoolCase(input: [2, 20, 7, 6], kernel: [3, 3], strides: [2, 2], padding: .explicit(begin: [1, 1], end: [1, 1]), blocked: true),
    TiedPoolCase(input: [1, 16, 7, 5], kernel: [2, 2], strides: [2, 2], ceilMode: true, blocked: true),
    TiedPoolCase(input: [2, 3, 7, 6], kernel: [3, 3], strides: [2, 2], padding: .explicit(begin: [0, 1], end: [1, 0]), ceilMode: true),
  ])
  func maxPoolTies(_ c: TiedPoolCase) throws {
    var random = SeededGenerator(seed: 41)
    let x = tiedInput(c.input, &random)
    let pool = try Pool(kind: .max, kernel: c.kernel, strides: c.strides, padding: c.padding.engine, ceilMode: c.ceilMode)
    var nodes = [Node(name: "pool", op: pool, inputs: [c.blocked ? "blocked" : TestNet.input], outputs: ["y"])]
    if c.blocked { nodes.insert(try TestNet.blockedCopy(of: TestNet.input, channels: c.input[1], output: "blocked"), at: 0) }
    let network = try TestNet.network(nodes, output: "y")
    let dy = random.tensor(try network.forward(x).shape(of: "y"), 0.5, 1.5)
    let target = c.blocked ? "blocked" : TestNet.input
    let poolInput = c.blocked ? TestNet.reversingChannels(x) : x
    let expected = NaiveReference.maxPoolBackward(poolInput, dy, kernel: c.kernel, strides: c.strides, padding: c.padding,
                                                  ceilMode: c.ceilMode)
    for mode in [ForwardMode.keepAll, .gradients] {
      let trace = try network.forward(x, mode: mode)
      let poolIndex = try #require(network.nodes.firstIndex { $0.name == "pool" })
      #expect((trace.states[poolIndex] is PoolingWorkspace) == (mode == .gradients), "\(c) \(mode): workspace kept?")
      let dx = try #require(try trace.backward(seed: dy, at: "y", to: [target])[target])
      let difference = MaxDifference(dx.values, expected.values)
      #expect(difference.value <= 1e-5, "\(c) \(mode): \(difference)")
    }
  }

  @Test("GlobalMaxPool backward at ties: the first maximum of each channel", arguments: [false, true])
  func globalMaxPoolTies(blocked: Bool) throws {
    var random = SeededGenerator(seed: 42)
    let shape = [2, 20, 3, 4]
    let x = tiedInput(shape, &random)
    var nodes = [Node(name: "gmp", op: GlobalPool(.max), inputs: [blocked ? "blocked" : TestNet.input], outputs: ["y"])]
    if blocked { nodes.insert(try TestNet.blockedCopy(of: TestNet.input, channels: 20, output: "blocked"), at: 0) }
    let trace = try TestNet.network(nodes, output: "y").forward(x)
    let dy = random.tensor([2, 20, 1, 1], 0.5, 1.5)
    let target = blocked ? "blocked" : TestNet.input
    let dx = try #require(try trace.backward(seed: dy, at: "y", to: [target])[target])
    // Global max pooling is max pooling with the whole plane as its one window.
    let poolInput = blocked ? TestNet.reversingChannels(x) : x
    let expected = NaiveReference.maxPoolBackward(poolInput, dy, kernel: [3, 4], strides: [1, 1])
    let difference = MaxDifference(dx.values, expected.values)
    #expect(difference.value <= 1e-6, "blocked \(blocked): \(difference)")
  }
}
