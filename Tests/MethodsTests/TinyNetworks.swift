import Engine

/// Small networks built in Swift whose maps can be computed by hand.
enum TinyNetworks {
  /// Per-channel 1×1 convolution weights of `gapClassifier` (channel k = w_k · x, single input channel).
  static let convWeights: [Float] = [1, -1, 0.5]
  /// The classifier B [2 classes, 3 channels] (transB) and its bias.
  static let classifier: [Float] = [2, 1, -1, -1, 3, 0.5]
  static let classifierBias: [Float] = [0.1, -0.2]

  /// input [N, 1, H, W] → 1×1 conv (3 channels) → Relu = "features" → GAP → flatten → Gemm → "logits" [N, 2].
  static func gapClassifier(activation: any Op = Relu()) throws -> Network {
    let conv = try Conv(weights: Tensor(shape: [3, 1, 1, 1], values: convWeights), bias: [0, 0, 0])
    return try Network(nodes: [
      Node(name: "conv", op: conv, inputs: ["input"], outputs: ["conv_out"]),
      Node(name: "act", op: activation, inputs: ["conv_out"], outputs: ["features"]),
      Node(name: "gap", op: GlobalPool(.average), inputs: ["features"], outputs: ["pooled"]),
      Node(name: "flatten", op: Reshape(.flatten(axis: 1)), inputs: ["pooled"], outputs: ["flat"]),
      Node(name: "fc", op: Gemm(transB: true), inputs: ["flat", "fc.weight", "fc.bias"], outputs: ["logits"]),
    ], inputName: "input", outputNames: ["logits"], constants: [
      "fc.weight": Tensor(shape: [2, 3], values: classifier),
      "fc.bias": Tensor(shape: [2], values: classifierBias),
    ])
  }

  /// input [N, 1, H, W] → keep the left `keep` columns (Slice) → 1×1 conv → Relu → GAP → flatten → Gemm:
  /// the columns from `keep` on cannot change the scores.
  static func leftColumnsClassifier(keep: Int) throws -> Network {
    let conv = try Conv(weights: Tensor(shape: [3, 1, 1, 1], values: convWeights), bias: [0, 0, 0])
    return try Network(nodes: [
      Node(name: "slice", op: Slice(starts: [0], ends: [keep], axes: [3], steps: nil), inputs: ["input"], outputs: ["left"]),
      Node(name: "conv", op: conv, inputs: ["left"], outputs: ["conv_out"]),
      Node(name: "relu", op: Relu(), inputs: ["conv_out"], outputs: ["features"]),
      Node(name: "gap", op: GlobalPool(.average), inputs: ["features"], outputs: ["pooled"]),
      Node(name: "flatten", op: Reshape(.flatten(axis: 1)), inputs: ["pooled"], outputs: ["flat"]),
      Node(name: "fc", op: Gemm(transB: true), inputs: ["flat", "fc.weight", "fc.bias"], outputs: ["logits"]),
    ], inputName: "input", outputNames: ["logits"], constants: [
      "fc.weight": Tensor(shape: [2, 3], values: classifier),
      "fc.bias": Tensor(shape: [2], values: classifierBias),
    ])
  }

  /// input [N, 1, 4, 4] → 1×1 conv → Relu → flatten (no pooling) → Gemm [2, 48]: CAM does not apply.
  static func flattenClassifier() throws -> Network {
    let conv = try Conv(weights: Tensor(shape: [3, 1, 1, 1], values: convWeights), bias: [0, 0, 0])
    let weights = (0..<96).map { Float(($0 * 7) % 11) / 10 - 0.5 }
    return try Network(nodes: [
      Node(name: "conv", op: conv, inputs: ["input"], outputs: ["conv_out"]),
      Node(name: "relu", op: Relu(), inputs: ["conv_out"], outputs: ["features"]),
      Node(name: "flatten", op: Reshape(.flatten(axis: 1)), inputs: ["features"], outputs: ["flat"]),
      Node(name: "fc", op: Gemm(transB: true), inputs: ["flat", "fc.weight"], outputs: ["logits"]),
    ], inputName: "input", outputNames: ["logits"], constants: ["fc.weight": Tensor(shape: [2, 48], values: weights)])
  }

  /// A [1, 1, size, size] image with distinct positive and negative values.
  static func image(size: Int) -> Tensor {
    Tensor(shape: [1, 1, size, size], values: (0..<(size * size)).map { Float(($0 * 5) % 13) / 4 - 1.3 })
  }
}
