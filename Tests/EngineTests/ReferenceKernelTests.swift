@testable import Engine
import Testing

// The oneDNN-backed forward ops (Conv, MaxPool, AveragePool, Gemm) against the naive Float64
// kernels of TestSupport/NaiveReference.swift. Channel counts 3, 5, 16, 20 and 33 exercise the
// plain path (≤ 4 channels), the blocked nChw16c layout, and partly filled last channel blocks.

struct ConvForwardCase: Sendable, CustomTestStringConvertible, CustomStringConvertible {
  var name: String
  var input: [Int]                  // [N, C, H, W]
  var outputChannels: Int
  var kernel: [Int] = [3, 3]
  var strides: [Int] = [1, 1]
  var dilations: [Int] = [1, 1]
  var padding: NaiveReference.Padding = .explicit(begin: [1, 1], end: [1, 1])
  var group: Int = 1
  var bias = true
  /// Feed the conv an input that is already blocked (produced by a previous conv).
  var blockedInput = false

  var testDescription: String { "\(name): \(input) -> \(outputChannels), \(padding.label)\(blockedInput ? ", blocked input" : "")" }
  var description: String { testDescription }

  static let all: [ConvForwardCase] = [
    ConvForwardCase(name: "3x3 on RGB (plain path)", input: [2, 3, 7, 6], outputChannels: 8),
    ConvForwardCase(name: "asymmetric pads", input: [2, 5, 7, 6], outputChannels: 7, padding: .explicit(begin: [0, 2], end: [2, 1])),
    ConvForwardCase(name: "asymmetric pads, blocked input", input: [2, 5, 7, 6], outputChannels: 7,
                    padding: .explicit(begin: [0, 2], end: [2, 1]), blockedInput: true),
    ConvForwardCase(name: "depthwise stride 2", input: [2, 16, 7, 6], outputChannels: 16, strides: [2, 2], group: 16),
    ConvForwardCase(name: "depthwise 5x5 SAME_UPPER stride 2", input: [1, 20, 7, 6], outputChannels: 20, kernel: [5, 5],
                    strides: [2, 2], padding: .sameUpper, group: 20, blockedInput: true),
    ConvForwardCase(name: "depthwise SAME_LOWER k2", input: [2, 33, 7, 6], outputChannels: 33, kernel: [2, 2],
                    padding: .sameLower, group: 33),
    ConvForwardCase(name: "grouped (3 groups)", input: [2, 33, 7, 6], outputChannels: 6, group: 3),
    ConvForwardCase(name: "grouped (5 groups), asymmetric pads", input: [2, 20, 7, 6], outputChannels: 10,
                    padding: .explicit(begin: [1, 0], end: [0, 2]), group: 5, blockedInput: true),
    ConvForwardCase(name: "dilation 2", input: [2, 5, 7, 6], outputChannels: 4, dilations: [2, 2],
                    padding: .explicit(begin: [2, 2], end: [2, 2])),
    ConvForwardCase(name: "SAME_UPPER k2 stride 1", input: [1, 16, 7, 6], outputChannels: 5, kernel: [2, 2], padding: .sameUpper),
    ConvForwardCase(name: "SAME_LOWER k4 stride 2", input: [2, 3, 7, 6], outputChannels: 6, kernel: [4, 4], strides: [2, 2],
                    padding: .sameLower),
    ConvForwardCase(name: "1x1 without bias", input: [2, 33, 7, 6], outputChannels: 17, kernel: [1, 1],
                    padding: .explicit(begin: [0, 0], end: [0, 0]), bias: false),
    ConvForwardCase(name: "1x1 stride 2, blocked input", input: [2, 20, 7, 6], outputChannels: 3, kernel: [1, 1], strides: [2, 2],
                    padding: .explicit(begin: [0, 0], end: [0, 0]), blockedInput: true),
    ConvForwardCase(name: "rect 3x2 stride 2 asymmetric", input: [2, 5, 7, 6], outputChannels: 9, kernel: [3, 2], strides: [2, 1],
                    padding: .explicit(begin: [1, 0], end: [0, 1])),
    ConvForwardCase(name: "VALID", input: [1, 16, 7, 6], outputChannels: 20, padding: .valid, blockedInput: true),
    // Dense 3×3 stride 1 on whole 16-channel blocks: the Winograd kernels (F(4×4, 3×3) and F(2×2, 3×3)).
    ConvForwardCase(name: "3x3 stride 1, Winograd", input: [2, 32, 14, 13], outputChannels: 48, blockedInput: true),
    ConvForwardCase(name: "3x3 stride 1 no bias, Winograd", input: [1, 64, 7, 7], outputChannels: 64, bias: false, blockedInput: true),
  ]
}

struct PoolForwardCase: Sendable, CustomTestStringConvertible, CustomStringConvertible {
  var name: String
  var kind: NaiveReference.PoolKind
  var input: [Int]
  var kernel: [Int] = [3, 3]
  var strides: [Int] = [2, 2]
  var dilations: [Int] = [1, 1]
  var padding: NaiveReference.Padding = .explicit(begin: [0, 0], end: [0, 0])
  var ceilMode = false
  var countIncludePad = false
  var blockedInput = false

  var testDescription: String { "\(name) \(input)\(blockedInput ? ", blocked input" : "")" }
  var description: String { testDescription }

  static let all: [PoolForwardCase] = [
    PoolForwardCase(name: "max 3x3 s2 pads 1", kind: .max, input: [2, 3, 7, 6], padding: .explicit(begin: [1, 1], end: [1, 1])),
    PoolForwardCase(name: "max 2x2 s2 ceil_mode", kind: .max, input: [2, 5, 7, 5], kernel: [2, 2], ceilMode: true),
    PoolForwardCase(name: "max 3x3 s2 ceil_mode pads 1", kind: .max, input: [2, 20, 8, 6],
                    padding: .explicit(begin: [1, 1], end: [1, 1]), ceilMode: true, blockedInput: true),
    PoolForwardCase(name: "max SAME_UPPER", kind: .max, input: [1, 33, 7, 6], padding: .sameUpper),
    PoolForwardCase(name: "max dilation 2", kind: .max, input: [2, 16, 7, 6], kernel: [2, 2], strides: [1, 1], dilations: [2, 2]),
    PoolForwardCase(name: "max 3x3 s2 dilation 2 pads 1 ceil_mode", kind: .max, input: [2, 20, 9, 8], dilations: [2, 2],
                    padding: .explicit(begin: [1, 1], end: [1, 1]), ceilMode: true, blockedInput: true),
    PoolForwardCase(name: "average dilation (2, 1) pads 1 include pad", kind: .average, input: [2, 5, 9, 8], dilations: [2, 1],
                    padding: .explicit(begin: [1, 1], end: [1, 1]), countIncludePad: true),
    PoolForwardCase(name: "average dilation 2 exclude pad ceil_mode", kind: .average, input: [2, 20, 9, 8], dilations: [2, 2],
                    padding: .explicit(begin: [1, 0], end: [0, 1]), ceilMode: true, blockedInput: true),
    PoolForwardCase(name: "max asymmetric pads", kind: .max, input: [2, 5, 7, 6], kernel: [3, 2], strides: [1, 2],
                    padding: .explicit(begin: [0, 1], end: [2, 0]), blockedInput: true),
    PoolForwardCase(name: "average include pad", kind: .average, input: [2, 16, 7, 6], strides: [1, 1],
                    padding: .explicit(begin: [1, 1], end: [1, 1]), countIncludePad: true),
    PoolForwardCase(name: "average exclude pad s2", kind: .average, input: [2, 33, 7, 6],
                    padding: .explicit(begin: [1, 1], end: [1, 1])),
    PoolForwardCase(name: "average 2x2 s2 ceil_mode", kind: .average, input: [2, 5, 7, 5], kernel: [2, 2], ceilMode: true),
    PoolForwardCase(name: "average 3x3 s2 ceil_mode pads 1", kind: .average, input: [2, 20, 8, 6],
                    padding: .explicit(begin: [1, 1], end: [1, 1]), ceilMode: true, blockedInput: true),
    PoolForwardCase(name: "average asymmetric pads", kind: .average, input: [2, 3, 7, 6], kernel: [2, 3], strides: [1, 1],
                    padding: .explicit(begin: [1, 0], end: [0, 2])),
    PoolForwardCase(name: "average SAME_LOWER include pad", kind: .average, input: [1, 20, 7, 6], kernel: [2, 2], strides: [1, 1],
                    padding: .sameLower, countIncludePad: true),
  ]
}

@Suite("oneDNN forward ops match naive Float64 references")
struct ReferenceKernelTests {
  /// Runs `op` on x (directly, or after a channel-reversing 1×1 conv that makes its input blocked)
  /// and returns the output and the exact input the op saw.
  private func run(_ op: any Op, on x: Tensor, blockedInput: Bool) throws -> (output: Tensor, opInput: Tensor) {
    var nodes: [Node] = []
    var source = TestNet.input
    if blockedInput {
      nodes.append(try TestNet.blockedCopy(of: source, channels: x.shape[1], output: "blocked"))
      source = "blocked"
    }
    nodes.append(Node(name: "op", op: op, inputs: [source], outputs: ["y"]))
    let trace = try TestNet.network(nodes, output: "y").forward(x)
    if blockedInput {
      #expect(TestNet.layout(of: "blocked", in: trace) == .native, "the op's input should be blocked")
    }
    return (try trace.tensor(named: "y"), blockedInput ? TestNet.reversingChannels(x) : x)
  }

  @Test("Conv matches the reference", arguments: ConvForwardCase.all)
  func conv(_ c: ConvForwardCase) throws {
    var random = SeededGenerator(seed: 11)
    let weights = random.convWeights([c.outputChannels, c.input[1] / c.group] + c.kernel)
    let bias = c.bias ? random.floats(c.outputChannels) : nil
    let x = random.tensor(c.input)
    let op = try Conv(weights: weights, bias: bias, strides: c.strides, dilations: c.dilations,
                      padding: c.padding.engine, group: c.group)
    let (output, opInput) = try run(op, on: x, blockedInput: c.blockedInput)
    let expected = NaiveReference.conv2d(opInput, weights: weights, bias: bias, strides: c.strides,
                                         dilations: c.dilations, padding: c.padding, group: c.group)
    try #require(output.shape == expected.shape, "\(c): output shape \(output.shape), reference \(expected.shape)")
    let difference = MaxDifference(output.values, expected.values)
    #expect(difference.value <= 1e-4, "\(c): \(difference)")
  }

  @Test("MaxPool and AveragePool match the reference", arguments: PoolForwardCase.all)
  func pool(_ c: PoolForwardCase) throws {
    var random = SeededGenerator(seed: 12)
    let x = random.tensor(c.input, -2, 2)
    let op = try Pool(kind: c.kind == .max ? .max : .average, kernel: c.kernel, strides: c.strides, dilations: c.dilations,
                      padding: c.padding.engine, ceilMode: c.ceilMode, countIncludePad: c.countIncludePad)
    let (output, opInput) = try run(op, on: x, blockedInput: c.blockedInput)
    let expected = NaiveReference.pool2d(opInput, kind: c.kind, kernel: c.kernel, strides: c.strides, dilations: c.dilations,
                                         padding: c.padding, ceilMode: c.ceilMode, countIncludePad: c.countIncludePad)
    try #require(output.shape == expected.shape, "\(c): output shape \(output.shape), reference \(expected.shape)")
    let difference = MaxDifference(output.values, expected.values)
    #expect(difference.value <= 1e-4, "\(c): \(difference)")
  }

  struct GemmCase: Sendable, CustomTestStringConvertible, CustomStringConvertible {
    var transA = false, transB = false
    var alpha: Float = 1, beta: Float = 1
    var cShape: [Int]?  // nil: no C
    var testDescription: String { "transA \(transA) transB \(transB) alpha \(alpha) beta \(beta) C \(cShape.map { "\($0)" } ?? "none")" }
    var description: String { testDescription }
  }

  @Test("Gemm matches the reference", arguments: [
    GemmCase(cShape: [7]),
    GemmCase(transB: true, cShape: [1, 7]),
    GemmCase(transA: true, alpha: 0.5, beta: 2, cShape: [5, 1]),
    GemmCase(transA: true, transB: true, alpha: -1.5, cShape: [5, 7]),
    GemmCase(transB: true, beta: 0.25, cShape: []),
    GemmCase(transB: true, cShape: nil),
  ])
  func gemm(_ c: GemmCase) throws {
    var random = SeededGenerator(seed: 13)
    let (m, k, n) = (5, 9, 7)
    let a = random.tensor(c.transA ? [k, m] : [m, k])  // runtime input
    let b = random.tensor(c.transB ? [n, k] : [k, n])  // constant weights
    let cTensor = c.cShape.map { random.tensor($0) }
    var constants = ["B": b]
    var inputs = [TestNet.input, "B"]
    if let cTensor { constants["C"] = cTensor; inputs.append("C") }
    let op = Gemm(alpha: c.alpha, beta: c.beta, transA: c.transA, transB: c.transB)
    let network = try TestNet.network([Node(name: "gemm", op: op, inputs: inputs, outputs: ["y"])], output: "y", constants: constants)
    let output = try network.forward(a).tensor(named: "y")
    let expected = NaiveReference.gemm(a, b, cTensor, alpha: Double(c.alpha), beta: Double(c.beta),
                                       transA: c.transA, transB: c.transB)
    try #require(output.shape == expected.shape, "\(c): output shape \(output.shape), reference \(expected.shape)")
    let difference = MaxDifference(output.values, expected.values)
    #expect(difference.value <= 1e-4, "\(c): \(difference)")
  }
}
