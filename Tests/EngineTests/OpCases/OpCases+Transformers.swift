@testable import Engine

// Finite-difference cases for the ops of issue 13: normalisations, element-wise math, reductions,
// Resize, the data-movement ops, masked fills, batched MatMul and Softmax variants. Element-wise ops
// also run on blocked inputs (they keep the input's layout); the others reorder to plain.

/// Inputs at least 0.05 away from the given kinks.
private func away(from kinks: [Float], low: Float = -3, high: Float = 3) -> InputSampling {
  .avoiding(kinks, margin: 0.05, low: low, high: high)
}

/// Strictly positive inputs (Sqrt, Log, fractional powers).
private let positive = InputSampling.uniform(0.4, 3)

extension OpCase {
  /// `kind`(x, scalar `value`).
  static func withScalar(_ kind: BinaryArithmetic.Kind, _ name: String, _ value: Float, _ sampling: InputSampling = .uniform(-2, 2)) -> OpCase {
    OpCase(name: "\(kind.rawValue) \(name)", input: [2, 5, 7, 6], sampling: sampling) { source, _ in
      CaseGraph(nodes: [Node(name: "binary", op: BinaryArithmetic(kind), inputs: [source, "s"], outputs: ["y"])], output: "y",
                constants: ["s": Tensor(shape: [], values: [value])])
    }
  }

  static let normalizationsForTokens: [OpCase] = [
    single("LayerNormalization axis -1", [2, 5, 12]) { random in
      LayerNormalization(axis: -1, epsilon: 1e-5, scale: random.tensor([12], 0.5, 1.5), bias: random.tensor([12]))
    },
    single("LayerNormalization axis 1 of NCHW, no bias", [2, 5, 7, 6], blocked: true) { random in
      LayerNormalization(axis: 1, epsilon: 1e-3, scale: random.tensor([5, 7, 6], 0.5, 1.5), bias: nil)
    },
    single("LayerNormalization axis -2, scale broadcast [1, C]", [2, 3, 4, 6]) { random in
      LayerNormalization(axis: -2, scale: random.tensor([1, 6], 0.5, 1.5), bias: random.tensor([4, 6]))
    },
    OpCase(name: "LayerNormalization: Y + Mean · InvStdDev (gradient through all three outputs)", input: [2, 5, 12]) { source, random in
      CaseGraph(nodes: [
        Node(name: "ln", op: LayerNormalization(scale: random.tensor([12], 0.5, 1.5), bias: random.tensor([12]), outputCount: 3),
             inputs: [source], outputs: ["y0", "mean", "inverse"]),
        Node(name: "product", op: BinaryArithmetic(.mul), inputs: ["mean", "inverse"], outputs: ["m"]),
        Node(name: "add", op: BinaryArithmetic(.add), inputs: ["y0", "m"], outputs: ["y"]),
      ], output: "y")
    },
    single("InstanceNormalization NCHW", [2, 5, 7, 6], blocked: true) { random in
      try InstanceNormalization(scale: random.floats(5, 0.5, 1.5), bias: random.floats(5))
    },
    single("InstanceNormalization [N, G, L] (GroupNorm form)", [2, 3, 20]) { random in
      try InstanceNormalization(scale: random.floats(3, 0.5, 1.5), bias: random.floats(3), epsilon: 1e-3)
    },
  ]

  static let math: [OpCase] =
    bothLayouts("Erf", [2, 5, 7, 6], .uniform(-2, 2)) { _ in Erf() }
    + bothLayouts("Gelu none", [2, 20, 7, 6], .uniform(-3, 3)) { _ in Gelu(approximation: .none) }
    + [single("Gelu tanh", [2, 5, 7, 6], .uniform(-3, 3)) { _ in Gelu(approximation: .tanh) }]
    + bothLayouts("Sqrt", [2, 5, 7, 6], positive) { _ in Sqrt() }
    + bothLayouts("Exp", [2, 5, 7, 6], .uniform(-2, 2)) { _ in Exp() }
    + [single("Log", [2, 5, 7, 6], positive) { _ in Log() },
       single("Abs", [2, 5, 7, 6], away(from: [0]), blocked: true) { _ in Abs() },
       single("Neg", [2, 5, 7, 6]) { _ in Neg() },
       single("Reciprocal", [2, 5, 7, 6], .avoiding([0], margin: 0.5, low: -3, high: 3)) { _ in Reciprocal() },
       single("Softplus", [2, 5, 7, 6], .uniform(-6, 6), blocked: true) { _ in Softplus() },
       withScalar(.pow, "x^2 (scalar exponent)", 2),
       withScalar(.pow, "x^3", 3),
       withConstant(.pow, "x^[C,1,1] on positive x", [2, 20, 7, 6], constant: [1, 20, 1, 1], constantRange: (0.5, 2.5), positive,
                    blocked: true),
       OpCase(name: "Pow (x + 2)^Sigmoid(x): both operands runtime", input: [2, 5, 7, 6], sampling: .uniform(-1, 2)) { source, _ in
         CaseGraph(nodes: [
           Node(name: "shift", op: BinaryArithmetic(.add), inputs: [source, "two"], outputs: ["base"]),
           Node(name: "sigmoid", op: Sigmoid(), inputs: [source], outputs: ["exponent"]),
           Node(name: "pow", op: BinaryArithmetic(.pow), inputs: ["base", "exponent"], outputs: ["y"]),
         ], output: "y", constants: ["two": Tensor(shape: [], values: [2])])
       },
       withConstant(.max, "Max(x, [W])", [2, 5, 7, 6], constant: [6], .distinct(spacing: 0.05)),
       withScalar(.min, "Min(x, 0.3)", 0.3, away(from: [0.3])),
       withScalar(.fmod, "fmod(x, 0.7)", 0.7, away(from: [-2.8, -2.1, -1.4, -0.7, 0, 0.7, 1.4, 2.1, 2.8])),
       withScalar(.mod, "Mod(x, -0.7) (sign of the divisor)", -0.7, away(from: [-2.8, -2.1, -1.4, -0.7, 0, 0.7, 1.4, 2.1, 2.8])),
      ]

  static func reduce(_ kind: Reduce.Kind, _ axes: [Int]?, keepDims: Bool, _ input: [Int], _ sampling: InputSampling = .uniform(-2, 2),
                     blocked: Bool = false) -> OpCase {
    single("\(kind.rawValue) axes \(axes.map { "\($0)" } ?? "all") keepdims \(keepDims ? 1 : 0)", input, sampling, blocked: blocked) { _ in
      Reduce(kind, axes: axes, keepDims: keepDims)
    }
  }

  static let reductions: [OpCase] = [
    reduce(.sum, [1], keepDims: true, [2, 5, 7, 6], blocked: true),
    reduce(.sum, nil, keepDims: false, [2, 3, 4, 5]),
    reduce(.max, [2, 3], keepDims: true, [2, 20, 7, 6], .distinct(spacing: 0.05), blocked: true),
    reduce(.max, [-1], keepDims: false, [2, 5, 12], .distinct(spacing: 0.05)),
    reduce(.min, [1], keepDims: true, [2, 5, 7, 6], .distinct(spacing: 0.05)),
    reduce(.l1, [2], keepDims: false, [2, 5, 7, 6], away(from: [0])),
    reduce(.l2, [1], keepDims: true, [2, 5, 7, 6], blocked: true),
    reduce(.l2, [1, 2], keepDims: true, [2, 4, 5, 6]),
    reduce(.sumSquare, [-1], keepDims: true, [2, 5, 7, 6]),
    reduce(.mean, [1], keepDims: false, [2, 5, 12]),
  ]

  static func resize(_ name: String, _ mode: Resize.Mode, _ coordinates: Resize.CoordinateMode, _ target: Resize.Target,
                     nearest: Resize.NearestMode = .floor, blocked: Bool = false) -> OpCase {
    single("Resize \(name)", blocked ? [2, 20, 5, 6] : [2, 3, 5, 6], blocked: blocked) { _ in
      Resize(mode: mode, coordinates: coordinates, nearest: nearest, target: target)
    }
  }

  static let resizing: [OpCase] = [
    resize("nearest x2 asymmetric floor", .nearest, .asymmetric, .scales(2, 2), blocked: true),
    resize("nearest [1.5, 2.5] half_pixel round_prefer_ceil", .nearest, .halfPixel, .scales(1.5, 2.5), nearest: .roundPreferCeil),
    resize("linear x2 pytorch_half_pixel", .linear, .pytorchHalfPixel, .scales(2, 2), blocked: true),
    resize("linear x0.5 half_pixel", .linear, .halfPixel, .scales(0.5, 0.5)),
    resize("linear sizes 11x7 align_corners", .linear, .alignCorners, .sizes(11, 7)),
    resize("linear [1.7, 2.3] half_pixel_symmetric", .linear, .halfPixelSymmetric, .scales(1.7, 2.3)),
  ]

  static let movement: [OpCase] = [
    single("Expand [2, 5, 1, 6] to [1, 1, 4, 1]", [2, 5, 1, 6]) { _ in Expand(shape: [1, 1, 4, 1]) },
    single("Expand [2, 1, 6] to [3, 2, 4, 6]", [2, 1, 6]) { _ in Expand(shape: [3, 2, 4, 6]) },
    single("Squeeze axis 1", [2, 1, 7, 6]) { _ in Reshape(.squeeze(axes: [1])) },
    single("Unsqueeze axes [1, -1]", [2, 5, 6]) { _ in Reshape(.unsqueeze(axes: [1, -1])) },
    single("Gather class token (axis 1, 0-d index)", [2, 5, 12]) { _ in Gather(axis: 1, indices: [0], indicesShape: []) },
    single("Gather axis -1 repeated and negative indices", [2, 5, 7, 6], blocked: true) { _ in
      Gather(axis: -1, indices: [5, 0, -1, 2], indicesShape: [2, 2])
    },
    single("Tile [1, 2, 1, 3]", [2, 5, 4, 3]) { _ in Tile(repeats: [1, 2, 1, 3]) },
    OpCase(name: "ScatterND data x, updates from x (to both, not through indices)", input: [2, 5, 6]) { source, _ in
      CaseGraph(nodes: [
        Node(name: "pick", op: Gather(axis: 1, indices: [2], indicesShape: []), inputs: [source], outputs: ["row"]),  // [2, 6]
        Node(name: "square", op: BinaryArithmetic(.mul), inputs: ["row", "row"], outputs: ["updates"]),
        Node(name: "scatter", op: ScatterND(indices: [0, 1, 1, 3], indicesShape: [2, 2]), inputs: [source, "updates"], outputs: ["y"]),
      ], output: "y")
    },
    OpCase(name: "ScatterND reduction add, repeated index", input: [2, 3, 4]) { source, _ in
      CaseGraph(nodes: [
        Node(name: "scatter", op: ScatterND(indices: [1, 0, 1], indicesShape: [3, 1], reduction: .add),
             inputs: [source, "updates"], outputs: ["y"]),
      ], output: "y", constants: ["updates": Tensor(shape: [3, 3, 4], values: (0..<36).map { Float($0) / 10 })])
    },
    OpCase(name: "Where(constant mask, Sigmoid(x), x) (masked fill: each branch its own positions)", input: [2, 5, 7, 6]) { source, _ in
      CaseGraph(nodes: [
        Node(name: "sigmoid", op: Sigmoid(), inputs: [source], outputs: ["s"]),
        Node(name: "where", op: Where(), inputs: ["mask", "s", source], outputs: ["y"]),
      ], output: "y", constants: ["mask": Tensor(shape: [1, 1, 1, 6], values: [1, 0, 1, 1, 0, 1])])
    },
    OpCase(name: "Where(x > 0, x, −100) with the condition computed from x", input: [2, 5, 7, 6], sampling: away(from: [0])) { source, _ in
      CaseGraph(nodes: [
        Node(name: "greater", op: Comparison(.greater), inputs: [source, "zero"], outputs: ["c"]),
        Node(name: "where", op: Where(), inputs: ["c", source, "fill"], outputs: ["y"]),
      ], output: "y", constants: ["zero": Tensor(shape: [], values: [0]), "fill": Tensor(shape: [], values: [-100])])
    },
    single("Cast to float (identity)", [2, 5, 7, 6], blocked: true) { _ in Cast(to: .float) },
    // Masks pass no gradient: x · Cast(x > 0) has gradient 1[x > 0] (the mask's own branch adds nothing),
    // x + Floor(x) and x · Not(x < 0) + Ceil(x) gradient 1 and 1[x ≥ 0] away from the steps.
    OpCase(name: "x · Cast(x > 0 → bool): the mask passes no gradient", input: [2, 5, 7, 6], sampling: away(from: [0])) { source, _ in
      CaseGraph(nodes: [
        Node(name: "greater", op: Comparison(.greater), inputs: [source, "zero"], outputs: ["c"]),
        Node(name: "cast", op: Cast(to: .bool), inputs: ["c"], outputs: ["mask"]),
        Node(name: "mul", op: BinaryArithmetic(.mul), inputs: [source, "mask"], outputs: ["y"]),
      ], output: "y", constants: ["zero": Tensor(shape: [], values: [0])])
    },
    OpCase(name: "x · Not(x < 0) + Ceil(x) + Floor(x) + Cast(x → integer)", input: [2, 5, 7, 6],
           sampling: away(from: [-3, -2, -1, 0, 1, 2, 3])) { source, _ in
      CaseGraph(nodes: [
        Node(name: "less", op: Comparison(.less), inputs: [source, "zero"], outputs: ["negative"]),
        Node(name: "not", op: Not(), inputs: ["negative"], outputs: ["mask"]),
        Node(name: "masked", op: BinaryArithmetic(.mul), inputs: [source, "mask"], outputs: ["m"]),
        Node(name: "ceil", op: Rounding(.ceil), inputs: [source], outputs: ["up"]),
        Node(name: "floor", op: Rounding(.floor), inputs: [source], outputs: ["down"]),
        Node(name: "truncate", op: Cast(to: .integer), inputs: [source], outputs: ["whole"]),
        Node(name: "add1", op: BinaryArithmetic(.add), inputs: ["m", "up"], outputs: ["a"]),
        Node(name: "add2", op: BinaryArithmetic(.add), inputs: ["a", "down"], outputs: ["b"]),
        Node(name: "add3", op: BinaryArithmetic(.add), inputs: ["b", "whole"], outputs: ["y"]),
      ], output: "y", constants: ["zero": Tensor(shape: [], values: [0])])
    },
    OpCase(name: "Concat broadcasts a [1, 1, C] token over the batch", input: [2, 4, 6]) { source, random in
      CaseGraph(nodes: [Node(name: "concat", op: Concat(axis: 1), inputs: ["cls", source], outputs: ["y"])], output: "y",
                constants: ["cls": random.tensor([1, 1, 6])])
    },
    OpCase(name: "MatMul batched attention q · kᵀ (both runtime)", input: [2, 3, 5, 4]) { source, _ in
      CaseGraph(nodes: [
        Node(name: "kt", op: Transpose(permutation: [0, 1, 3, 2]), inputs: [source], outputs: ["kt"]),
        Node(name: "scores", op: MatMul(), inputs: [source, "kt"], outputs: ["y"]),
      ], output: "y")
    },
    OpCase(name: "MatMul tokens · [C, D] (one product for the batch)", input: [2, 5, 4]) { source, random in
      CaseGraph(nodes: [Node(name: "linear", op: MatMul(), inputs: [source, "W"], outputs: ["y"])], output: "y",
                constants: ["W": random.tensor([4, 6])])
    },
    OpCase(name: "MatMul [N, T, C] · 1-D [C]", input: [2, 5, 4]) { source, random in
      CaseGraph(nodes: [Node(name: "dot", op: MatMul(), inputs: [source, "v"], outputs: ["y"])], output: "y",
                constants: ["v": random.tensor([4])])
    },
    OpCase(name: "MatMul 1-D [T] · [N, T, C]", input: [2, 5, 4]) { source, random in
      CaseGraph(nodes: [Node(name: "dot", op: MatMul(), inputs: ["v", source], outputs: ["y"])], output: "y",
                constants: ["v": random.tensor([5])])
    },
    single("Softmax coerced to 2-D at axis 1 (opset < 13)", [2, 3, 4, 5], .uniform(-3, 3)) { _ in
      Softmax(axis: 1, coercedTo2D: true)
    },
    single("Softmax attention axis -1", [2, 3, 5, 5], .uniform(-3, 3)) { _ in Softmax(axis: -1) },
    single("Conv1D 4 -> 6, group 2, kernel 3, stride 2, pads [1, 0]", [2, 4, 11]) { random in
      try Conv1D(weights: random.tensor([6, 2, 3]), bias: random.floats(6), stride: 2, padding: .explicit(begin: [1], end: [0]), group: 2)
    },
    single("Conv1D ECA kernel 5 SAME_UPPER, no bias", [2, 1, 12]) { random in
      try Conv1D(weights: random.tensor([1, 1, 5]), bias: nil, padding: .sameUpper)
    },
  ]

  /// Einsum `equation` of the input with itself scaled (`both`), with a constant of `constant` shape, or alone.
  static func einsum(_ equation: String, _ input: [Int], constant: [Int]? = nil, both: Bool = false) -> OpCase {
    let operands = constant.map { " with a constant \($0)" } ?? (both ? " (both operands runtime)" : "")
    return OpCase(name: "Einsum '\(equation)'" + operands, input: input) { source, random in
      var nodes: [Node] = [], constants: [String: Tensor] = [:], inputs = [source]
      if let constant {
        constants["W"] = random.tensor(constant)
        inputs.append("W")
      } else if both {
        nodes.append(Node(name: "tanh", op: Tanh(), inputs: [source], outputs: ["t"]))
        inputs.append("t")
      }
      nodes.append(Node(name: "einsum", op: try Einsum(equation: equation), inputs: inputs, outputs: ["y"]))
      return CaseGraph(nodes: nodes, output: "y", constants: constants)
    }
  }

  static let contractions: [OpCase] = [
    einsum("nixw,jyw->nijxy", [2, 3, 4, 5], constant: [6, 3, 5]),
    einsum("bhid,bhjd->bhij", [2, 3, 4, 5], both: true),
    einsum("...ij,jk->...ik", [2, 3, 4, 5], constant: [5, 6]),
    einsum("bij,bjk->bi", [2, 3, 4], constant: [2, 4, 5]),
    einsum("bij,kj", [2, 3, 4], constant: [5, 4]),  // implicit output: bik
    einsum("bchw->bhwc", [2, 3, 4, 5]),
    einsum("bchw->bc", [2, 3, 4, 5]),
  ] + bothLayouts("Sin", [2, 5, 7, 6], .uniform(-3, 3)) { _ in Trigonometric(.sin) }
    + [single("Cos", [2, 5, 7, 6], .uniform(-3, 3)) { _ in Trigonometric(.cos) }]

  static var transformerOps: [OpCase] { normalizationsForTokens + math + reductions + resizing + movement + contractions }
}
