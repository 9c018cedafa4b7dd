@testable import Engine

// Finite-difference cases for the oneDNN-backed ops (Conv, pooling), Gemm/MatMul and the
// broadcasting arithmetic ops. Shapes are small (e.g. 2×5×7×6) so each case runs in milliseconds.

/// Distinct input values, so no max-pool window has a tie a ±1e-2 step could break.
private let noTies = InputSampling.distinct(spacing: 0.05)

extension OpCase {
  static func conv(_ name: String, _ input: [Int], outputChannels: Int, kernel: [Int] = [3, 3], strides: [Int] = [1, 1],
                   dilations: [Int] = [1, 1], padding: Conv.Padding, group: Int = 1, blocked: Bool = false) -> OpCase {
    single("Conv " + name, input, blocked: blocked) { random in
      try Conv(weights: random.convWeights([outputChannels, input[1] / group] + kernel), bias: random.floats(outputChannels),
               strides: strides, dilations: dilations, padding: padding, group: group)
    }
  }

  static func pool(_ kind: Pool.Kind, _ name: String, _ input: [Int], kernel: [Int] = [3, 3], strides: [Int] = [2, 2],
                   padding: Conv.Padding = .explicit(begin: [0, 0], end: [0, 0]), ceilMode: Bool = false,
                   countIncludePad: Bool = false, dilations: [Int]? = nil, blocked: Bool = false) -> OpCase {
    single("\(kind.rawValue) " + name, input, kind == .max ? noTies : .uniform(-2, 2), blocked: blocked) { _ in
      try Pool(kind: kind, kernel: kernel, strides: strides, dilations: dilations, padding: padding, ceilMode: ceilMode,
               countIncludePad: countIncludePad)
    }
  }

  static let convolutionAndPooling: [OpCase] = [
    conv("3x3 pads 1 (plain RGB)", [2, 3, 7, 6], outputChannels: 4, padding: .explicit(begin: [1, 1], end: [1, 1])),
    conv("grouped asymmetric pads", [2, 6, 7, 6], outputChannels: 4, padding: .explicit(begin: [0, 1], end: [2, 0]), group: 2),
    conv("depthwise stride 2 asymmetric pads", [2, 5, 7, 6], outputChannels: 5, strides: [2, 2],
         padding: .explicit(begin: [1, 0], end: [0, 1]), group: 5),
    conv("depthwise 5x5 stride 2 SAME_UPPER", [2, 20, 7, 6], outputChannels: 20, kernel: [5, 5], strides: [2, 2],
         padding: .sameUpper, group: 20, blocked: true),
    conv("depthwise k2 SAME_LOWER", [2, 5, 7, 6], outputChannels: 5, kernel: [2, 2], padding: .sameLower, group: 5, blocked: true),
    conv("dilation 2", [2, 5, 7, 6], outputChannels: 3, dilations: [2, 2], padding: .sameUpper),
    conv("1x1", [2, 20, 7, 6], outputChannels: 7, kernel: [1, 1], padding: .valid, blocked: true),
    conv("rect kernel stride (2, 1)", [1, 16, 7, 6], outputChannels: 5, kernel: [3, 2], strides: [2, 1],
         padding: .explicit(begin: [1, 0], end: [1, 1]), blocked: true),

    pool(.max, "3x3 s2 pads 1 (plain)", [2, 3, 7, 6], padding: .explicit(begin: [1, 1], end: [1, 1])),
    pool(.max, "2x2 s2 ceil_mode", [2, 5, 7, 5], kernel: [2, 2], ceilMode: true),
    pool(.max, "3x3 s2 ceil_mode pads 1", [1, 20, 8, 6], padding: .explicit(begin: [1, 1], end: [1, 1]), ceilMode: true,
         blocked: true),
    pool(.max, "3x3 s1 asymmetric pads", [2, 5, 7, 6], strides: [1, 1], padding: .explicit(begin: [0, 2], end: [2, 0]),
         blocked: true),
    pool(.max, "2x2 dilation 2", [2, 16, 7, 6], kernel: [2, 2], strides: [1, 1], dilations: [2, 2]),
    pool(.max, "3x3 s2 dilation 2 pads 1 ceil_mode", [2, 20, 9, 8], padding: .explicit(begin: [1, 1], end: [1, 1]),
         ceilMode: true, dilations: [2, 2], blocked: true),
    pool(.average, "3x3 s2 dilation (2, 1) pads 1 include pad", [2, 5, 9, 8], padding: .explicit(begin: [1, 1], end: [1, 1]),
         countIncludePad: true, dilations: [2, 1]),
    pool(.average, "2x2 s1 dilation 2 SAME_UPPER", [2, 20, 7, 6], kernel: [2, 2], strides: [1, 1], padding: .sameUpper,
         dilations: [2, 2], blocked: true),
    pool(.average, "3x3 s2 pads 1 exclude pad", [2, 5, 7, 6], padding: .explicit(begin: [1, 1], end: [1, 1])),
    pool(.average, "3x3 s1 pads 1 include pad (plain)", [2, 3, 7, 6], strides: [1, 1],
         padding: .explicit(begin: [1, 1], end: [1, 1]), countIncludePad: true),
    pool(.average, "2x2 s2 ceil_mode", [2, 5, 7, 5], kernel: [2, 2], ceilMode: true),
    pool(.average, "3x3 s2 ceil_mode pads 1", [1, 20, 8, 6], padding: .explicit(begin: [1, 1], end: [1, 1]), ceilMode: true,
         blocked: true),
    pool(.average, "SAME_UPPER", [2, 5, 7, 6], padding: .sameUpper, blocked: true),

    single("GlobalAveragePool", [2, 3, 7, 6]) { _ in GlobalPool(.average) },
    single("GlobalAveragePool", [2, 20, 7, 6], blocked: true) { _ in GlobalPool(.average) },
    single("GlobalMaxPool", [2, 3, 7, 6], noTies) { _ in GlobalPool(.max) },
    single("GlobalMaxPool", [2, 20, 7, 6], noTies, blocked: true) { _ in GlobalPool(.max) },
  ]

  /// Gemm with A the runtime input, B (and C) constants.
  static func gemm(_ name: String, _ input: [Int], b: [Int], c: [Int]?, _ op: Gemm) -> OpCase {
    OpCase(name: "Gemm " + name, input: input) { source, random in
      var constants = ["B": random.tensor(b)]
      var inputs = [source, "B"]
      if let c { constants["C"] = random.tensor(c); inputs.append("C") }
      return CaseGraph(nodes: [Node(name: "gemm", op: op, inputs: inputs, outputs: ["y"])], output: "y", constants: constants)
    }
  }

  static let linearAlgebra: [OpCase] = [
    gemm("transB (fully connected)", [3, 8], b: [5, 8], c: [5], Gemm(transB: true)),
    gemm("transA, alpha, beta, C [M, 1]", [8, 3], b: [8, 5], c: [3, 1], Gemm(alpha: 0.7, beta: 1.3, transA: true)),
    gemm("transA and transB", [8, 3], b: [5, 8], c: nil, Gemm(alpha: -1.2, transA: true, transB: true)),
    OpCase(name: "Gemm x·xᵀ (both operands runtime)", input: [4, 6]) { source, _ in
      CaseGraph(nodes: [Node(name: "gemm", op: Gemm(transB: true), inputs: [source, source], outputs: ["y"])], output: "y")
    },
    OpCase(name: "MatMul batched · constant [K, N]", input: [2, 3, 4, 5]) { source, random in
      CaseGraph(nodes: [Node(name: "matmul", op: MatMul(), inputs: [source, "B"], outputs: ["y"])], output: "y",
                constants: ["B": random.tensor([5, 6])])
    },
    OpCase(name: "MatMul constant [3, M, K] · batched", input: [2, 3, 5, 4]) { source, random in
      CaseGraph(nodes: [Node(name: "matmul", op: MatMul(), inputs: ["A", source], outputs: ["y"])], output: "y",
                constants: ["A": random.tensor([3, 2, 5])])
    },
    OpCase(name: "MatMul x · xᵀ batched (both runtime)", input: [2, 3, 4, 5]) { source, _ in
      CaseGraph(nodes: [
        Node(name: "transpose", op: Transpose(permutation: [0, 1, 3, 2]), inputs: [source], outputs: ["xt"]),
        Node(name: "matmul", op: MatMul(), inputs: [source, "xt"], outputs: ["y"]),
      ], output: "y")
    },
    OpCase(name: "MatMul batched · runtime operand broadcast over the batch", input: [2, 3, 4, 5]) { source, _ in
      // B = mean over the batch of xᵀ, [1, 3, 5, 4]: its gradient sums over both batch items.
      CaseGraph(nodes: [
        Node(name: "mean", op: ReduceMean(axes: [0], keepDims: true), inputs: [source], outputs: ["m"]),
        Node(name: "transpose", op: Transpose(permutation: [0, 1, 3, 2]), inputs: ["m"], outputs: ["mt"]),
        Node(name: "matmul", op: MatMul(), inputs: [source, "mt"], outputs: ["y"]),
      ], output: "y")
    },
  ]

  /// `kind`(source, constant of `shape`) or, with `constantFirst`, `kind`(constant, source).
  static func withConstant(_ kind: BinaryArithmetic.Kind, _ name: String, _ input: [Int], constant shape: [Int],
                           constantRange: (Float, Float) = (-1, 1), constantFirst: Bool = false,
                           _ sampling: InputSampling = .uniform(-2, 2), blocked: Bool = false) -> OpCase {
    OpCase(name: "\(kind.rawValue) \(name)", input: input, sampling: sampling, blocked: blocked) { source, random in
      let inputs = constantFirst ? ["K", source] : [source, "K"]
      return CaseGraph(nodes: [Node(name: "binary", op: BinaryArithmetic(kind), inputs: inputs, outputs: ["y"])], output: "y",
                       constants: ["K": random.tensor(shape, constantRange.0, constantRange.1)])
    }
  }

  /// `kind`(source, s) with s = GlobalAveragePool(source) [N, C, 1, 1] computed at run time
  /// (squeeze-excitation style): both operands carry gradient; with `squash`, s = Sigmoid(GAP)
  /// keeps it away from 0 (for Div).
  static func withRuntimeChannels(_ kind: BinaryArithmetic.Kind, _ input: [Int], squash: Bool = false,
                                  blocked: Bool = false) -> OpCase {
    OpCase(name: "\(kind.rawValue) [N, C, H, W] with runtime [N, C, 1, 1]", input: input, blocked: blocked) { source, _ in
      var nodes = [Node(name: "gap", op: GlobalPool(.average), inputs: [source], outputs: ["pooled"])]
      var operand = "pooled"
      if squash {
        nodes.append(Node(name: "sigmoid", op: Sigmoid(), inputs: ["pooled"], outputs: ["gate"]))
        operand = "gate"
      }
      nodes.append(Node(name: "binary", op: BinaryArithmetic(kind), inputs: [source, operand], outputs: ["y"]))
      return CaseGraph(nodes: nodes, output: "y")
    }
  }

  /// `kind`(source, copy) where copy is the channel-reversed blocked copy of source: same shape,
  /// mixed layouts (plain first operand, blocked second).
  static func withBlockedCopy(_ kind: BinaryArithmetic.Kind, _ input: [Int], _ sampling: InputSampling) -> OpCase {
    OpCase(name: "\(kind.rawValue) plain with blocked (same shape)", input: input, sampling: sampling) { source, _ in
      CaseGraph(nodes: [
        try TestNet.blockedCopy(of: source, channels: input[1], output: "copy"),
        Node(name: "binary", op: BinaryArithmetic(kind), inputs: [source, "copy"], outputs: ["y"]),
      ], output: "y")
    }
  }

  /// Keeps a divisor at least 0.5 away from zero.
  static let awayFromZero = InputSampling.avoiding([0], margin: 0.5, low: -2, high: 2)

  static let arithmetic: [OpCase] = [
    withConstant(.add, "[N, C, H, W] + [1, C, 1, 1]", [2, 5, 7, 6], constant: [1, 5, 1, 1]),
    withConstant(.add, "[N, C, H, W] + [1, C, 1, 1]", [2, 20, 7, 6], constant: [1, 20, 1, 1], blocked: true),
    withConstant(.add, "[N, C, H, W] + [W] (general broadcast)", [2, 5, 7, 6], constant: [6], blocked: true),
    withConstant(.mul, "[N, C, H, W] · [1, C, 1, 1]", [2, 5, 7, 6], constant: [1, 5, 1, 1]),
    withConstant(.mul, "[N, C, H, W] · [1, C, 1, 1]", [2, 20, 7, 6], constant: [1, 20, 1, 1], blocked: true),
    withConstant(.mul, "[1, 1, H, 1] · [N, C, H, W]", [2, 5, 7, 6], constant: [1, 1, 7, 1], constantFirst: true),
    withConstant(.add, "scalar + [N, C, H, W]", [2, 5, 7, 6], constant: [], constantFirst: true),
    withConstant(.mul, "[N, C, H, W] · scalar", [2, 20, 7, 6], constant: [1], blocked: true),
    withConstant(.sub, "[N, C, H, W] − scalar", [2, 5, 7, 6], constant: [], blocked: true),
    withConstant(.sub, "[1, C, 1, 1] − [N, C, H, W]", [2, 5, 7, 6], constant: [1, 5, 1, 1], constantFirst: true),
    withConstant(.div, "[N, C, H, W] / [1, C, 1, 1]", [2, 5, 7, 6], constant: [1, 5, 1, 1], constantRange: (0.5, 2),
                 blocked: true),
    withConstant(.div, "scalar / [N, C, H, W]", [2, 5, 7, 6], constant: [1], constantFirst: true, awayFromZero),
    withConstant(.div, "[1, C, 1, 1] / [N, C, H, W]", [2, 20, 7, 6], constant: [1, 20, 1, 1], constantFirst: true,
                 awayFromZero, blocked: true),
    withRuntimeChannels(.add, [2, 5, 7, 6]),
    withRuntimeChannels(.mul, [2, 5, 7, 6]),
    withRuntimeChannels(.mul, [2, 20, 7, 6], blocked: true),
    withRuntimeChannels(.sub, [2, 20, 7, 6], blocked: true),
    withRuntimeChannels(.div, [2, 5, 7, 6], squash: true, blocked: true),
    withBlockedCopy(.add, [2, 5, 7, 6], .uniform(-2, 2)),
    withBlockedCopy(.mul, [2, 20, 7, 6], .uniform(-2, 2)),
    withBlockedCopy(.div, [2, 5, 7, 6], awayFromZero),
  ]
}
