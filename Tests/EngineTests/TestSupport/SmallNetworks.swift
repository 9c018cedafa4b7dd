@testable import Engine

/// Small whole networks built in Swift with seeded random weights, for end-to-end gradient checks.
/// Each takes "input" and names its interesting intermediate tensors.
enum SmallNetworks {
  static func conv(_ random: inout SeededGenerator, _ input: Int, _ output: Int, kernel: Int = 3, strides: [Int] = [1, 1],
                   group: Int = 1, pad: Int? = nil) throws -> Conv {
    let p = pad ?? kernel / 2
    return try Conv(weights: random.convWeights([output, input / group, kernel, kernel]), bias: random.floats(output, -0.5, 0.5),
                    strides: strides, padding: .explicit(begin: [p, p], end: [p, p]), group: group)
  }

  static func batchNorm(_ random: inout SeededGenerator, _ channels: Int) throws -> BatchNormalization {
    try BatchNormalization(gamma: random.floats(channels, 0.5, 1.5), beta: random.floats(channels, -0.5, 0.5),
                           mean: random.floats(channels, -0.3, 0.3), variance: random.floats(channels, 0.5, 1.5))
  }

  /// input [N, 3, H, W] → conv 3×3 (8) → BN → Relu ("mid") → MaxPool 2×2 s2 ceil_mode → "output".
  static func convBnReluMaxPool(_ random: inout SeededGenerator) throws -> Network {
    try TestNet.network([
      Node(name: "conv", op: try conv(&random, 3, 8), inputs: ["input"], outputs: ["conv"]),
      Node(name: "bn", op: try batchNorm(&random, 8), inputs: ["conv"], outputs: ["bn"]),
      Node(name: "relu", op: Relu(), inputs: ["bn"], outputs: ["mid"]),
      Node(name: "pool", op: try Pool(kind: .max, kernel: [2, 2], strides: [2, 2], ceilMode: true), inputs: ["mid"], outputs: ["output"]),
    ], output: "output")
  }

  /// input [N, 3, H, W] → conv 1×1 (6) "mid"; branch: conv 3×3 → Relu → conv 3×3; Add(mid, branch) → Relu.
  /// "mid" feeds two nodes, so its gradient is the sum of both paths.
  static func residual(_ random: inout SeededGenerator) throws -> Network {
    try TestNet.network([
      Node(name: "stem", op: try conv(&random, 3, 6, kernel: 1), inputs: ["input"], outputs: ["mid"]),
      Node(name: "conv_a", op: try conv(&random, 6, 6), inputs: ["mid"], outputs: ["a"]),
      Node(name: "relu_a", op: Relu(), inputs: ["a"], outputs: ["a_relu"]),
      Node(name: "conv_b", op: try conv(&random, 6, 6), inputs: ["a_relu"], outputs: ["b"]),
      Node(name: "add", op: BinaryArithmetic(.add), inputs: ["mid", "b"], outputs: ["sum"]),
      Node(name: "relu", op: Relu(), inputs: ["sum"], outputs: ["output"]),
    ], output: "output")
  }

  /// MobileNet-style: input [N, 5, H, W] → 1×1 expand (16) → BN → ReLU6 ("mid") → depthwise 3×3 s2 →
  /// BN → ReLU6 → 1×1 project (8) → BN.
  static func depthwiseSeparable(_ random: inout SeededGenerator) throws -> Network {
    try TestNet.network([
      Node(name: "expand", op: try conv(&random, 5, 16, kernel: 1), inputs: ["input"], outputs: ["e"]),
      Node(name: "bn1", op: try batchNorm(&random, 16), inputs: ["e"], outputs: ["e_bn"]),
      Node(name: "relu6_1", op: Clip(low: 0, high: 6), inputs: ["e_bn"], outputs: ["mid"]),
      Node(name: "depthwise", op: try conv(&random, 16, 16, strides: [2, 2], group: 16), inputs: ["mid"], outputs: ["d"]),
      Node(name: "bn2", op: try batchNorm(&random, 16), inputs: ["d"], outputs: ["d_bn"]),
      Node(name: "relu6_2", op: Clip(low: 0, high: 6), inputs: ["d_bn"], outputs: ["d_relu"]),
      Node(name: "project", op: try conv(&random, 16, 8, kernel: 1), inputs: ["d_relu"], outputs: ["p"]),
      Node(name: "bn3", op: try batchNorm(&random, 8), inputs: ["p"], outputs: ["output"]),
    ], output: "output")
  }

  static let classes = 10

  /// input [N, 3, H, W] → conv 3×3 (20) → Relu ("mid") → GlobalAveragePool → Flatten → Gemm (transB) → logits [N, 10].
  static func classifier(_ random: inout SeededGenerator) throws -> Network {
    try TestNet.network([
      Node(name: "conv", op: try conv(&random, 3, 20), inputs: ["input"], outputs: ["c"]),
      Node(name: "relu", op: Relu(), inputs: ["c"], outputs: ["mid"]),
      Node(name: "gap", op: GlobalPool(.average), inputs: ["mid"], outputs: ["pooled"]),
      Node(name: "flatten", op: Reshape(.flatten(axis: 1)), inputs: ["pooled"], outputs: ["features"]),
      Node(name: "fc", op: Gemm(transB: true), inputs: ["features", "fc.weight", "fc.bias"], outputs: ["output"]),
    ], output: "output", constants: [
      "fc.weight": random.tensor([classes, 20], -0.5, 0.5),
      "fc.bias": random.tensor([classes], -0.1, 0.1),
    ])
  }

  /// Squeeze-excitation: input [N, 3, H, W] → conv 3×3 (20) "mid" → GAP → 1×1 conv (5) → Relu → 1×1 conv (20)
  /// → HardSigmoid (1/6, 1/2) → Mul(mid, gate).
  static func squeezeExcitation(_ random: inout SeededGenerator) throws -> Network {
    try TestNet.network([
      Node(name: "conv", op: try conv(&random, 3, 20), inputs: ["input"], outputs: ["mid"]),
      Node(name: "gap", op: GlobalPool(.average), inputs: ["mid"], outputs: ["squeezed"]),
      Node(name: "reduce", op: try conv(&random, 20, 5, kernel: 1), inputs: ["squeezed"], outputs: ["r"]),
      Node(name: "relu", op: Relu(), inputs: ["r"], outputs: ["r_relu"]),
      Node(name: "expand", op: try conv(&random, 5, 20, kernel: 1), inputs: ["r_relu"], outputs: ["e"]),
      Node(name: "gate", op: HardSigmoid(alpha: 1.0 / 6, beta: 0.5), inputs: ["e"], outputs: ["gate"]),
      Node(name: "scale", op: BinaryArithmetic(.mul), inputs: ["mid", "gate"], outputs: ["output"]),
    ], output: "output")
  }

  /// The nodes after the producer of `tensor`, as a network whose input is `tensor` (for finite
  /// differences at an intermediate tensor). Every later node must read only `tensor`, constants
  /// or later tensors.
  static func tail(of network: Network, from tensor: String) throws -> Network {
    guard let producer = network.nodes.firstIndex(where: { $0.outputs.contains(tensor) }) else {
      throw TestFailure("no node produces '\(tensor)'")
    }
    return try Network(nodes: Array(network.nodes[(producer + 1)...]), inputName: tensor, outputNames: network.outputNames,
                       constants: network.constants)
  }
}
