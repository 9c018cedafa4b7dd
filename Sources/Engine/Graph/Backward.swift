import Dispatch

/// Reverse-mode differentiation over a recorded forward run.
extension Trace {
  /// Gradients of Σ seed ⊙ tensor(`at`) with respect to each tensor in `targets`.
  ///
  /// - seed: the gradient arriving at tensor `at` (same shape; for a class score, one-hot per item
  ///   of the batch at the pre-softmax logits, so each image gets its own target in one pass).
  /// - targets: tensor names (the network input, any intermediate tensor); a tensor that feeds
  ///   several nodes receives the sum of their gradients.
  /// - rule: how ReLU-like units pass gradients (standard, guided, deconvnet).
  /// Only nodes between the targets and `at` are visited. Results are plain tensors.
  public func backward(seed: Tensor, at seedName: String, to targets: [String],
                       rule: BackwardRule = .standard, timing: ((Node, Double) -> Void)? = nil) throws -> [String: Tensor] {
    guard mode != .fused else {
      throw EngineError("this trace comes from a forward-only (fused) run, which keeps only its outputs; run forward(_:) to differentiate")
    }
    guard let seedValue = values[seedName] else { throw unknownTensor(seedName) }  // fused away: says how to keep it
    guard seed.shape == seedValue.shape else {
      throw EngineError("seed gradient has shape \(seed.shape) but tensor '\(seedName)' has shape \(seedValue.shape)")
    }
    for target in targets where values[target] == nil { throw unknownTensor(target) }
    // Gradients come on top of the kept activations: refuse before allocating them.
    try MemoryBudget.check(values.mapValues(\.shape), batch: seed.shape.first ?? 1, factor: 2)

    let nodes = network.nodes
    // Tensors that depend on some target (forward reachability).
    var dependsOnTarget = Set(targets)
    for node in nodes where node.inputs.contains(where: dependsOnTarget.contains) {
      dependsOnTarget.formUnion(node.outputs)
    }
    // Tensors the seed depends on (backward reachability), restricted to the target cone.
    var seedNeeds: Set<String> = [seedName]
    var visit: [Int] = []
    for index in stride(from: nodes.count - 1, through: 0, by: -1) {
      let node = nodes[index]
      guard node.outputs.contains(where: seedNeeds.contains) else { continue }
      guard node.inputs.contains(where: dependsOnTarget.contains) else { continue }
      visit.append(index)
      for input in node.inputs where dependsOnTarget.contains(input) { seedNeeds.insert(input) }
    }

    var gradients: [String: Value] = [seedName: try Reorder.value(Value(seed), to: seedValue.layout)]
    for index in visit {
      let node = nodes[index]
      var outputGradients: [Value?] = []
      for output in node.outputs {
        outputGradients.append(gradients[output])
        // A gradient is consumed once all consumers have added to it: free it unless requested.
        if !targets.contains(output) { gradients[output] = nil }
      }
      guard outputGradients.contains(where: { $0 != nil }) else { continue }
      // `consume`: the pass holds the only reference to the arriving gradients, so an op may write into one.
      let pass = BackwardPass(
        inputs: node.inputs.map(forwardValue),
        outputs: node.outputs.map(forwardValue),
        outputGradients: consume outputGradients,
        needsGradient: node.inputs.map { dependsOnTarget.contains($0) && network.constants[$0] == nil },
        rule: rule, state: states[index])
      let inputGradients: [Value?]
      let start = timing == nil ? 0 : DispatchTime.now().uptimeNanoseconds
      defer { timing?(node, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
      do {
        inputGradients = try network.executables[index].backward(pass)
      } catch let error as EngineError {
        throw EngineError("backward through node '\(node.name)' (\(node.op.typeName)): \(error.description)")
      }
      for (position, gradient) in inputGradients.enumerated() {
        guard let gradient, pass.needsGradient[position] else { continue }
        let name = node.inputs[position]
        // A fused-away tensor (one reader, so one gradient) keeps the layout its gradient comes in.
        guard let layout = values[name]?.layout ?? fusedAway[name].map({ _ in gradient.layout }) else { continue }
        let aligned = try Reorder.value(gradient, to: layout)
        gradients[name] = try gradients[name].map { try Elementwise.sum($0, aligned) } ?? aligned
      }
    }

    var result: [String: Tensor] = [:]
    for target in targets {
      if let gradient = gradients[target] {
        result[target] = try gradient.tensor()
      } else {
        result[target] = Tensor(zeros: try shape(of: target))
      }
    }
    return result
  }

  /// The value of tensor `name` an op's backward gets: the trace's, or for a tensor a gradient run fused
  /// away, a stand-in with its shape and no data (only residual Adds and `GradientFromOutput`
  /// activations read fused-away tensors, and their backward reads no input values).
  private func forwardValue(_ name: String) -> Value {
    if let value = values[name] { return value }
    if let shape = fusedAway[name] { return Value(shape: shape, layout: .native, buffer: Trace.noData) }
    return Value(zeros: [0])
  }

  /// The buffer of fused-away stand-ins: no floats.
  private static let noData = FloatBuffer(uninitializedCount: 0)

  /// A one-hot seed at a [N, K] score tensor: item i gets 1 at class `classes[i]`.
  public static func oneHotSeed(shape: [Int], classes: [Int]) throws -> Tensor {
    guard shape.count >= 2, classes.count == shape[0] else {
      throw EngineError("one-hot seed needs one class per item: shape \(shape), \(classes.count) classes")
    }
    let perItem = shape.dropFirst().reduce(1, *)
    var seed = Tensor(zeros: shape)
    for (item, cls) in classes.enumerated() {
      guard cls >= 0 && cls < perItem else { throw EngineError("class index \(cls) is out of range 0..<\(perItem)") }
      seed.values[item * perItem + cls] = 1
    }
    return seed
  }
}
