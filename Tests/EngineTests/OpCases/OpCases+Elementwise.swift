@testable import Engine

// Finite-difference cases for data movement (Concat, Split, Slice, Reshape, Transpose, Pad),
// reductions and normalisations, and the element-wise activations, each on plain and (where the
// op accepts 4-D input) blocked inputs.

/// Inputs at least 0.05 (five steps of 1e-2) away from the given kinks.
private func away(from kinks: [Float], low: Float = -4, high: Float = 4) -> InputSampling {
  .avoiding(kinks, margin: 0.05, low: low, high: high)
}

extension OpCase {
  static let dataMovement: [OpCase] = [
    OpCase(name: "Concat axis 1 (plain with blocked)", input: [2, 5, 7, 6]) { source, _ in
      CaseGraph(nodes: [
        try TestNet.blockedCopy(of: source, channels: 5, output: "copy"),
        Node(name: "concat", op: Concat(axis: 1), inputs: ["copy", source, "copy"], outputs: ["y"]),
      ], output: "y")
    },
    OpCase(name: "Concat axis -2 (two operands)", input: [2, 3, 4, 5]) { source, random in
      CaseGraph(nodes: [Node(name: "concat", op: Concat(axis: -2), inputs: [source, "K", source], outputs: ["y"])], output: "y",
                constants: ["K": random.tensor([2, 3, 2, 5])])
    },
    OpCase(name: "Split sizes [2, 3] axis 1, only the second output used", input: [2, 5, 7, 6], blocked: true) { source, _ in
      CaseGraph(nodes: [Node(name: "split", op: Split(axis: 1, sizes: [2, 3], parts: 2), inputs: [source], outputs: ["a", "b"])],
                output: "b")
    },
    OpCase(name: "Split equal parts axis 3, recombined in reverse", input: [2, 3, 4, 6]) { source, _ in
      CaseGraph(nodes: [
        Node(name: "split", op: Split(axis: 3, sizes: nil, parts: 3), inputs: [source], outputs: ["a", "b", "c"]),
        Node(name: "concat", op: Concat(axis: 3), inputs: ["c", "a", "b", "a"], outputs: ["y"]),
      ], output: "y")
    },
    single("Slice negative step -2 and negative bounds", [2, 5, 7, 6], blocked: true) { _ in
      Slice(starts: [-1, -2], ends: [-8, 0], axes: [3, 1], steps: [-2, -1])
    },
    single("Slice step 2 on H, range on C", [2, 5, 7, 6]) { _ in
      Slice(starts: [1, 1], ends: [7, 4], axes: [2, 1], steps: [2, 1])
    },
    single("Reshape [N, -1] from blocked", [2, 5, 7, 6], blocked: true) { _ in Reshape(.shape([0, -1], allowZero: false)) },
    single("Reshape to [N, C·H, W]", [2, 5, 7, 6]) { _ in Reshape(.shape([2, 35, 6], allowZero: false)) },
    single("Flatten axis 1", [2, 20, 7, 6], blocked: true) { _ in Reshape(.flatten(axis: 1)) },
    single("Transpose to NHWC", [2, 5, 7, 6], blocked: true) { _ in Transpose(permutation: [0, 2, 3, 1]) },
    single("Transpose default (reversed axes)", [2, 3, 4, 5]) { _ in Transpose(permutation: nil) },
    single("Pad constant 0.5, asymmetric", [2, 5, 7, 6], blocked: true) { _ in
      Pad(mode: .constant, pads: [0, 1, 2, 0, 0, 0, 1, 3], value: 0.5)
    },
    single("Pad reflect", [2, 3, 7, 6]) { _ in Pad(mode: .reflect, pads: [0, 0, 2, 1, 0, 0, 1, 3]) },
    single("Pad edge, with a crop", [2, 5, 7, 6], blocked: true) { _ in Pad(mode: .edge, pads: [0, 0, 3, -1, 0, 0, 1, 2]) },
    single("Identity", [2, 5, 7, 6], blocked: true) { _ in Identity() },
  ]

  static let normalization: [OpCase] = [
    single("ReduceMean spatial keepdims 1", [2, 20, 7, 6], blocked: true) { _ in ReduceMean(axes: [2, 3], keepDims: true) },
    single("ReduceMean spatial keepdims 0", [2, 5, 7, 6], blocked: true) { _ in ReduceMean(axes: [-1, -2], keepDims: false) },
    single("ReduceMean spatial keepdims 0", [2, 3, 7, 6]) { _ in ReduceMean(axes: [2, 3], keepDims: false) },
    single("ReduceMean channels keepdims 1", [2, 5, 7, 6], blocked: true) { _ in ReduceMean(axes: [1], keepDims: true) },
    single("ReduceMean axes [0, 2] keepdims 0", [2, 5, 7, 6]) { _ in ReduceMean(axes: [0, 2], keepDims: false) },
    single("ReduceMean all axes", [2, 3, 4, 5]) { _ in ReduceMean(axes: nil, keepDims: false) },
    single("Softmax axis 1", [2, 5, 7, 6], blocked: true) { _ in Softmax(axis: 1) },
    single("Softmax 2-D last axis", [3, 10], .uniform(-3, 3)) { _ in Softmax(axis: -1) },
    single("LogSoftmax 2-D last axis", [3, 10], .uniform(-3, 3)) { _ in Softmax(axis: -1, logarithmic: true) },
    single("LogSoftmax axis 2", [2, 3, 7, 6], blocked: true) { _ in Softmax(axis: 2, logarithmic: true) },
    single("LRN size 3", [2, 5, 7, 6]) { _ in LRN(size: 3, alpha: 0.5, beta: 0.75, bias: 1) },
    single("LRN size 4 (even window)", [2, 20, 7, 6], blocked: true) { _ in LRN(size: 4, alpha: 0.3, beta: 0.6, bias: 2) },
    single("BatchNormalization", [2, 5, 7, 6]) { random in
      try BatchNormalization(gamma: random.floats(5, 0.5, 2), beta: random.floats(5), mean: random.floats(5),
                             variance: random.floats(5, 0.2, 2))
    },
    single("BatchNormalization", [2, 20, 7, 6], blocked: true) { random in
      try BatchNormalization(gamma: random.floats(20, -2, 2), beta: random.floats(20), mean: random.floats(20),
                             variance: random.floats(20, 0.2, 2), epsilon: 1e-3)
    },
    single("BatchNormalization 2-D", [3, 5]) { random in
      try BatchNormalization(gamma: random.floats(5, 0.5, 2), beta: random.floats(5), mean: random.floats(5),
                             variance: random.floats(5, 0.2, 2))
    },
  ]

  static let activations: [OpCase] =
    bothLayouts("Relu", [2, 5, 7, 6], away(from: [0])) { _ in Relu() }
    + bothLayouts("Clip(0, 6)", [2, 5, 7, 6], away(from: [0, 6], low: -2, high: 8)) { _ in Clip(low: 0, high: 6) }
    + bothLayouts("Clip(-1, 1)", [2, 20, 7, 6], away(from: [-1, 1], low: -2, high: 2)) { _ in Clip(low: -1, high: 1) }
    + bothLayouts("LeakyRelu 0.1", [2, 5, 7, 6], away(from: [0])) { _ in LeakyRelu(alpha: 0.1) }
    + bothLayouts("PRelu per channel", [2, 20, 7, 6], away(from: [0])) { random in PRelu(slope: random.floats(20, 0.05, 0.5)) }
    + [single("PRelu shared slope", [2, 5, 7, 6], away(from: [0])) { _ in PRelu(slope: [0.25]) }]
    + bothLayouts("HardSigmoid default", [2, 5, 7, 6], away(from: [-2.5, 2.5])) { _ in HardSigmoid() }
    + [single("HardSigmoid torch (1/6, 1/2)", [2, 5, 7, 6], away(from: [-3, 3]), blocked: true) { _ in
        HardSigmoid(alpha: 1 / 6, beta: 0.5)
      }]
    + bothLayouts("HardSwish", [2, 5, 7, 6], away(from: [-3, 3], low: -5, high: 5)) { _ in HardSwish() }
    + bothLayouts("Sigmoid", [2, 5, 7, 6], .uniform(-4, 4)) { _ in Sigmoid() }
    + bothLayouts("Tanh", [2, 20, 7, 6], .uniform(-2, 2)) { _ in Tanh() }
}
