import Engine
import Foundation

/// Where the class scores y^c live, and the classes each image is explained for.
enum ClassScores {
  /// The pre-softmax score tensor: the first output, or the input of a final score normalisation
  /// (Softmax, LogSoftmax) or identity: if a graph ends in Softmax, the target is the Softmax input.
  static func tensorName(_ network: Network) -> String {
    var name = network.outputNames[0]
    while let node = network.node(producing: name), let input = node.inputs.first,
          node.op.traits.contains(.scoreNormalisation) || node.op.isIdentity {
      name = input
    }
    return name
  }

  /// For each target (outer) and image (inner), the class explained with its score.
  static func resolve(_ context: MethodContext, scores: Tensor) throws -> [[ClassInfo]] {
    let rows = scores.rows
    return try context.targets.map { target in
      try rows.map { row in
        let index = try target.resolve(scores: row, classNames: context.classNames)
        return ClassInfo(index: index, label: context.className(index), probability: softmax(row)[index], logit: row[index])
      }
    }
  }

  /// The conventions every class-targeted output records.
  static func targetConventions(_ context: MethodContext, _ classes: [[ClassInfo]]) -> [Convention] {
    var conventions = [Convention("target", context.targets.map(\.description).joined(separator: ", "))]
    conventions.append(Convention("score", "pre-softmax logit of '\(tensorName(context.network))'"))
    if let first = classes.first?.first {
      conventions.append(Convention("class", "\(first.label) (\(first.index)), p = \(String(format: "%.4f", first.probability))"))
    }
    return conventions
  }
}

/// Forward and backward passes of the score of chosen classes.
enum ScoreGradients {
  /// Runs `images` [N, C, H, W] forward only (fused) and returns the scores [N, K].
  static func scores(_ network: Network, _ images: Tensor) throws -> Tensor {
    let name = ClassScores.tensorName(network)
    return try network.forward(images, mode: .fused, keeping: [name]).tensor(named: name)
  }

  /// ∂y^{c_i}/∂(tensor) for each item i and each name in `targets`, plus y^{c_i} per item. The forward
  /// is a gradient run (`ForwardMode.gradients`) keeping the targets and the scores: tensors other than
  /// those that a convolution computes together with what follows it are not in the returned trace.
  static func gradients(_ network: Network, _ images: Tensor, classes: [Int], at targets: [String],
                        rule: BackwardRule = .standard, sign: Float = 1) throws -> (gradients: [String: Tensor], scores: [Float], trace: Trace) {
    let scoreName = ClassScores.tensorName(network)
    let trace = try network.forward(images, mode: .gradients, keeping: Set(targets + [scoreName]))
    let shape = try trace.shape(of: scoreName)
    var seed = try Trace.oneHotSeed(shape: shape, classes: classes)
    if sign != 1 { seed.values = seed.values.map { $0 * sign } }
    let gradients = try trace.backward(seed: seed, at: scoreName, to: targets, rule: rule)
    let scores = try trace.tensor(named: scoreName)
    let k = scores.count / max(shape[0], 1)
    return (gradients, classes.enumerated().map { scores.values[$0.offset * k + $0.element] }, trace)
  }

  /// Input gradients [N, C, H, W] of the chosen class scores, processed in chunks of `batch`.
  static func inputGradients(_ network: Network, _ images: Tensor, classes: [Int], rule: BackwardRule,
                             batch: Int) throws -> (gradients: Tensor, scores: [Float]) {
    let n = images.shape[0]
    var values: [Float] = []
    values.reserveCapacity(images.count)
    var scores: [Float] = []
    var start = 0
    while start < n {
      let end = min(start + max(batch, 1), n)
      let chunk = Tensor.batch((start..<end).map { images.item($0) })
      let result = try gradients(network, chunk, classes: Array(classes[start..<end]), at: [network.inputName], rule: rule)
      values.append(contentsOf: result.gradients[network.inputName]?.values ?? [Float](repeating: 0, count: chunk.count))
      scores.append(contentsOf: result.scores)
      start = end
    }
    return (Tensor(shape: images.shape, values: values), scores)
  }
}
