import Dispatch

/// Which tensors a forward run keeps.
public enum ForwardMode: Sendable {
  /// Every tensor, for lookups and backward passes.
  case keepAll
  /// Forward-only: a Relu or Clip that is the only consumer of a convolution runs inside the
  /// convolution primitive (a oneDNN post-op), so the convolution's own output is not kept.
  /// For predictions and perturbation methods that only read the logits.
  case fused
}

extension Network {
  /// Runs the network on `input` ([N, C, H, W], plain) and keeps every tensor in the trace.
  public func forward(_ input: Tensor) throws -> Trace { try forward(input, mode: .keepAll, timing: nil) }

  /// Runs the network; `timing(node, seconds)` is called after each node (the benchmark's profile).
  public func forward(_ input: Tensor, mode: ForwardMode, timing: ((Node, Double) -> Void)? = nil) throws -> Trace {
    if let declared = declaredInputShape, declared.count == input.shape.count {
      // Batch may vary; the other dimensions must match what the model was exported with.
      for axis in 1..<declared.count where declared[axis] > 0 && declared[axis] != input.shape[axis] {
        throw EngineError("input has shape \(input.shape) but the model expects \(declared) (batch may vary)")
      }
    } else if let declared = declaredInputShape {
      throw EngineError("input has shape \(input.shape) but the model expects \(declared) (batch may vary)")
    }
    // Validates every node and the memory the run needs before anything large is allocated.
    try MemoryBudget.check(try shapes(forInput: input.shape), batch: input.shape.first ?? 1)
    var values: [String: Value] = [inputName: Value(input)]
    for (name, constant) in constantValues { values[name] = constant }
    var skipped = Set<Int>()
    for (index, node) in nodes.enumerated() where !skipped.contains(index) {
      var inputs: [Value] = []
      inputs.reserveCapacity(node.inputs.count)
      for name in node.inputs {
        guard let value = values[name] else { throw EngineError("node '\(node.name)': missing input '\(name)'") }
        inputs.append(value)
      }
      let start = timing == nil ? 0 : DispatchTime.now().uptimeNanoseconds
      defer { timing?(node, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
      do {
        if mode == .fused, let fusion = fusedActivations[index], let conv = node.op as? Conv {
          let activation = nodes[fusion.activation]
          values[activation.outputs[0]] = try conv.forward(inputs, postOp: fusion.postOp)[0]
          skipped.insert(fusion.activation)
          continue
        }
        let outputs = try node.op.forward(inputs)
        for (name, value) in zip(node.outputs, outputs) { values[name] = value }
      } catch let error as EngineError {
        throw EngineError("node '\(node.name)' (\(node.op.typeName)): \(error.description)")
      }
    }
    return Trace(network: self, values: values)
  }

  /// Conv nodes whose single consumer is a Relu or Clip reading nothing else.
  static func planFusion(nodes: [Node], outputs: Set<String>) -> [Int: (activation: Int, postOp: PostOp)] {
    var consumers: [String: [Int]] = [:]
    for (index, node) in nodes.enumerated() {
      for input in Set(node.inputs) { consumers[input, default: []].append(index) }
    }
    var plan: [Int: (activation: Int, postOp: PostOp)] = [:]
    for (index, node) in nodes.enumerated() where node.op is Conv {
      guard let output = node.outputs.first, !outputs.contains(output),
            let readers = consumers[output], readers.count == 1 else { continue }
      let next = nodes[readers[0]]
      guard next.inputs.filter({ !$0.isEmpty }) == [output] else { continue }
      if next.op is Relu {
        plan[index] = (readers[0], .relu)
      } else if let clip = next.op as? Clip, clip.low.isFinite, clip.high.isFinite {
        plan[index] = (readers[0], .clip(low: clip.low, high: clip.high))
      }
    }
    return plan
  }
}
