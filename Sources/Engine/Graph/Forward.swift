import Dispatch

/// Which tensors a forward run keeps.
public enum ForwardMode: Sendable {
  /// Every tensor, for lookups and backward passes.
  case keepAll
  /// Forward-only: activations and residual Adds right after a convolution run inside the
  /// convolution primitive (oneDNN post-ops, see `FusionPlan`), and each tensor's buffer goes back
  /// to the pool after its last reader. The trace holds only the outputs (and tensors asked for).
  /// For predictions and perturbation methods that only read the scores.
  case fused
}

extension Network {
  /// Runs the network on `input` ([N, C, H, W], plain) and keeps every tensor in the trace.
  public func forward(_ input: Tensor) throws -> Trace { try forward(input, mode: .keepAll, timing: nil) }

  /// Runs the network; `timing(node, seconds)` is called after each node (the benchmark's profile).
  /// In `.fused` mode the trace holds only the outputs and the tensors named in `keeping`.
  public func forward(_ input: Tensor, mode: ForwardMode, keeping: Set<String> = [],
                      timing: ((Node, Double) -> Void)? = nil) throws -> Trace {
    if let declared = declaredInputShape, declared.count == input.shape.count {
      // Batch may vary; the other dimensions must match what the model was exported with.
      for axis in 1..<declared.count where declared[axis] > 0 && declared[axis] != input.shape[axis] {
        throw EngineError("input has shape \(input.shape) but the model expects \(declared) (batch may vary)")
      }
    } else if let declared = declaredInputShape {
      throw EngineError("input has shape \(input.shape) but the model expects \(declared) (batch may vary)")
    }
    // Validates every node and the memory the run needs before anything large is allocated.
    let shapes = try checkedShapes(forInput: input.shape)
    var values: [String: Value] = [inputName: Value(input)]
    for (name, constant) in constantValues { values[name] = constant }
    var skipped = Set<Int>()
    for (index, node) in nodes.enumerated() {
      defer {
        // Forward-only: nothing reads these again, so their buffers go back to the pool now.
        if mode == .fused { for name in fusionPlan.releases[index] ?? [] where !keeping.contains(name) { values[name] = nil } }
      }
      if skipped.contains(index) { continue }
      var inputs: [Value] = []
      inputs.reserveCapacity(node.inputs.count)
      for name in node.inputs {
        guard let value = values[name] else { throw EngineError("node '\(node.name)': missing input '\(name)'") }
        inputs.append(value)
      }
      let start = timing == nil ? 0 : DispatchTime.now().uptimeNanoseconds
      defer { timing?(node, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
      do {
        if mode == .fused, let fusion = fusionPlan.fusions[index], !hides(fusion, at: index, keeping) {
          // nil: the residual's shape differs (a broadcast Add), so the nodes run one by one.
          if let accumulation = try accumulation(for: fusion, at: index, shapes: shapes, keeping: keeping, values: &values) {
            values[fusion.output] = try fusion.conv.forward(inputs, postOps: fusion.postOps, accumulatingInto: accumulation.target)[0]
            skipped.formUnion(fusion.absorbed)
            continue
          }
        }
        let outputs = try node.op.forward(inputs)
        for (name, value) in zip(node.outputs, outputs) { values[name] = value }
      } catch let error as EngineError {
        throw EngineError("node '\(node.name)' (\(node.op.typeName)): \(error.description)")
      }
    }
    return Trace(network: self, values: values)
  }

  /// True when a fusion would skip writing a tensor the caller asked to keep.
  private func hides(_ fusion: ConvolutionFusion, at index: Int, _ keeping: Set<String>) -> Bool {
    guard !keeping.isEmpty else { return false }
    let intermediates = ([index] + fusion.absorbed).flatMap { nodes[$0].outputs }.filter { $0 != fusion.output }
    return intermediates.contains(where: keeping.contains)
  }

  /// Where a fused convolution writes: a new buffer (`target` nil, no residual), or a buffer holding
  /// the residual, which the sum post-op adds the convolution to.
  private struct Accumulation { let target: Value? }

  /// The buffer a fusion's sum post-op accumulates into: the residual's own when nothing reads it
  /// afterwards (by name, or through an alias such as a Reshape sharing its buffer), else a copy.
  private func accumulation(for fusion: ConvolutionFusion, at index: Int, shapes: [String: [Int]], keeping: Set<String>,
                            values: inout [String: Value]) throws -> Accumulation? {
    guard let name = fusion.residual else { return Accumulation(target: nil) }
    guard let shape = values[name]?.shape, let layout = values[name]?.layout, let convOutput = nodes[index].outputs.first,
          shapes[convOutput] == shape, shape.count == 4 else { return nil }
    if layout == .blocked16, fusionPlan.isLastRead(of: name, after: index, except: fusion.absorbed),
       !outputNames.contains(name), !keeping.contains(name), constantValues[name] == nil, var buffer = values.removeValue(forKey: name)?.buffer {
      if isKnownUniquelyReferenced(&buffer) { return Accumulation(target: Value(shape: shape, layout: layout, buffer: buffer)) }
      values[name] = Value(shape: shape, layout: layout, buffer: buffer)
    }
    guard let residual = values[name] else { throw EngineError("missing input '\(name)'") }
    if layout == .plain { return Accumulation(target: try Reorder.value(residual, to: .blocked16)) }  // a new buffer
    let copy = Value(uninitialized: shape, layout: .blocked16)
    withExtendedLifetime(residual) { copy.buffer.pointer.update(from: residual.buffer.pointer, count: residual.buffer.count) }
    return Accumulation(target: copy)
  }
}
