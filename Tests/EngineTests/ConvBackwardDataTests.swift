@testable import Engine
import Testing

// Convolution backward-data (dL/dx = conv_transpose(dL/dy, W)) against a naive Float64 reference, for
// the kernels chosen by shape rules: dense 3×3 stride-1 pad-1 layers on AVX-512 run Winograd, as oneDNN's
// backward-data where a call has N·OH·OW ≥ C·M / 2 (the 32 -> 48 batch-8 case) and else as the forward of
// the transposed, flipped weights (the others); the direct kernels elsewhere; and the stems' few-channel
// plain input (RGB), through its space-to-depth phases on AVX2 and up.

struct ConvBackwardCase: Sendable, CustomTestStringConvertible {
  var name: String
  var input: [Int]
  var outputChannels: Int
  var kernel = 3
  var stride = 1
  var pad = 1
  /// Winograd expected on AVX-512 (3×3 stride 1 pad 1, whole channel blocks).
  var winograd = false
  var testDescription: String { "\(name): \(input) -> \(outputChannels), \(kernel)×\(kernel)/\(stride)" }

  static let all: [ConvBackwardCase] = [
    ConvBackwardCase(name: "ResNet 3×3, 64 channels", input: [2, 64, 28, 27], outputChannels: 64, winograd: true),
    ConvBackwardCase(name: "3×3, 32 -> 48 channels", input: [8, 32, 9, 11], outputChannels: 48, winograd: true),
    ConvBackwardCase(name: "3×3, 32 -> 48 channels, batch 1", input: [1, 32, 9, 10], outputChannels: 48, winograd: true),
    ConvBackwardCase(name: "3×3 without padding: direct", input: [2, 32, 9, 10], outputChannels: 48, pad: 0),
    ConvBackwardCase(name: "3×3 stride 2", input: [2, 32, 9, 10], outputChannels: 48, stride: 2),
    ConvBackwardCase(name: "3×3 on 20 channels (partial block)", input: [2, 20, 9, 10], outputChannels: 24),
    ConvBackwardCase(name: "ResNet stem 7×7/2 on RGB", input: [2, 3, 32, 30], outputChannels: 64, kernel: 7, stride: 2, pad: 3),
    ConvBackwardCase(name: "Lite0 stem 3×3/2 on RGB", input: [2, 3, 32, 30], outputChannels: 32, stride: 2),
    ConvBackwardCase(name: "5×5/2 on RGB without padding, odd sizes", input: [2, 3, 31, 30], outputChannels: 16, kernel: 5, stride: 2, pad: 0),
    ConvBackwardCase(name: "4×4/4 on 2 channels (patch embedding)", input: [1, 2, 18, 17], outputChannels: 24, kernel: 4, stride: 4, pad: 0),
    ConvBackwardCase(name: "3×3/2 on a one-column RGB input", input: [1, 3, 7, 1], outputChannels: 16, stride: 2),
  ]
}

@Suite("Convolution backward-data against a Float64 reference")
struct ConvBackwardDataTests {
  /// dx[n, c, h, w] = Σ_{m, i, j} W[m, c, i, j] · dy[n, m, p, q] over the (p, q) with p·s − pad + i = h, q·s − pad + j = w.
  private func naiveBackwardData(_ dy: Tensor, weights: Tensor, input: [Int], stride: Int, pad: Int) -> [Double] {
    let (n, c, h, w) = (input[0], input[1], input[2], input[3])
    let (m, kh, kw) = (weights.shape[0], weights.shape[2], weights.shape[3])
    let (oh, ow) = (dy.shape[2], dy.shape[3])
    var dx = [Double](repeating: 0, count: n * c * h * w)
    for item in 0..<n {
      for out in 0..<m {
        for p in 0..<oh {
          for q in 0..<ow {
            let g = Double(dy.values[((item * m + out) * oh + p) * ow + q])
            for channel in 0..<c {
              for i in 0..<kh {
                let row = p * stride - pad + i
                guard row >= 0 && row < h else { continue }
                for j in 0..<kw {
                  let col = q * stride - pad + j
                  guard col >= 0 && col < w else { continue }
                  dx[((item * c + channel) * h + row) * w + col] += g * Double(weights.values[((out * c + channel) * kh + i) * kw + j])
                }
              }
            }
          }
        }
      }
    }
    return dx
  }

  @Test("dL/dx matches the reference to 1e-5 of its largest value; Winograd where the shape rule asks for it",
        arguments: ConvBackwardCase.all)
  func backwardData(_ c: ConvBackwardCase) throws {
    var random = SeededGenerator(seed: 29)
    let weights = random.convWeights([c.outputChannels, c.input[1], c.kernel, c.kernel])
    let conv = try Conv(weights: weights, bias: random.floats(c.outputChannels), strides: [c.stride, c.stride],
                        padding: .explicit(begin: [c.pad, c.pad], end: [c.pad, c.pad]))
    let implementation = try conv.backwardDataImplementation(inputShape: c.input)
    #expect(!implementation.hasPrefix("ref:"), "\(c): \(implementation)")
    #expect(implementation.contains("wino") == (c.winograd && DNNLRuntime.usesAVX512Core),
            "\(c): backward-data runs \(implementation) on \(ChannelBlock.instructionSet)")
    // Blocked input for more than 4 channels (as between layers), plain RGB for the stem.
    let blocked = c.input[1] > 4
    var nodes = [Node(name: "conv", op: conv, inputs: [blocked ? "blocked" : TestNet.input], outputs: ["y"])]
    if blocked { nodes.insert(try TestNet.blockedCopy(of: TestNet.input, channels: c.input[1], output: "blocked"), at: 0) }
    let network = try TestNet.network(nodes, output: "y")
    let x = random.tensor(c.input)
    for mode in [ForwardMode.keepAll, .gradients] {
      let trace = try network.forward(x, mode: mode)
      let dy = random.tensor(try trace.shape(of: "y"))
      let target = blocked ? "blocked" : TestNet.input
      let dx = try #require(try trace.backward(seed: dy, at: "y", to: [target])[target])
      let expected = naiveBackwardData(dy, weights: weights, input: c.input, stride: c.stride, pad: c.pad)
      let scale = expected.reduce(0) { max($0, abs($1)) }
      let difference = MaxDifference(dx.values, expected)
      #expect(difference.value <= 1e-5 * scale, "\(c) \(mode), \(implementation): \(difference), largest |dx| \(scale)")
    }
  }
}
