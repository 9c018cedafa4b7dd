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
  /// For differentiation: conv → Relu/Clip and conv → Add(·, r) [→ Relu/Clip] run inside the
  /// convolution primitive as in `.fused` (only activations whose backward reads their output, see
  /// `GradientFromOutput`; the residual r is copied before the sum, never overwritten: its values are
  /// still needed), and every other tensor is kept for the backward pass. The tensors fused away (the
  /// conv's output, the Add's when an activation follows) are never written; tensors named in
  /// `keeping` are never fused away. Looking one up is an error naming it.
  case gradients
}

extension Network {
  /// Runs the network on `input` ([N, C, H, W], plain) and keeps every tensor in the trace.
  public func forward(_ input: Tensor) throws -> Trace { try forward(input, mode: .keepAll, timing: nil) }

  /// Runs the network; `timing(node, seconds)` is called after each node (the benchmark's profile).
  /// In `.fused` mode the trace holds only the outputs and the tensors named in `keeping`; in
  /// `.gradients` mode every tensor but those fused away, which `keeping` names are not.
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
    let shapes = try checkedShapes(forInput: input.shape, fused: mode == .fused)
    let fused = mode == .fused
    let fusions = mode == .gradients ? program.gradientFusions : mode == .fused ? program.fusions : []
    var fusedAway: [String: [Int]] = [:]  // gradient runs: tensors a fusion never wrote, with their shapes
    var states: [Int: AnyObject] = [:]  // gradient runs: what a node's backward reuses (`StatefulForward`)
    var values = [Value?](repeating: nil, count: program.names.count)  // by slot
    values[0] = Value(input)  // slot 0 is the input
    for (slot, constant) in constantSlots { values[slot] = constant }
    let kept = Set(keeping.compactMap { program.slot[$0] })
    var skipped = [Bool](repeating: false, count: nodes.count)
    for (index, node) in nodes.enumerated() {
      defer {
        // Forward-only: nothing reads these again, so their buffers go back to the pool now.
        if fused { for slot in program.releases[index] where !kept.contains(slot) { values[slot] = nil } }
      }
      if skipped[index] { continue }
      var inputs: [Value] = []
      inputs.reserveCapacity(node.inputs.count)
      for (position, slot) in program.inputs[index].enumerated() {
        guard slot >= 0, let value = values[slot] else { throw EngineError("node '\(node.name)': missing input '\(node.inputs[position])'") }
        inputs.append(value)
      }
      let start = timing == nil ? 0 : DispatchTime.now().uptimeNanoseconds
      defer { timing?(node, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
      do {
        if index < fusions.count, let fusion = fusions[index], !fusion.intermediates.contains(where: kept.contains) {
          // nil: the residual's shape differs (a broadcast Add), so the nodes run one by one.
          if let accumulation = try accumulation(for: fusion, at: index, shapes: shapes, kept: kept, values: &values) {
            values[fusion.output] = try fusion.fusion.conv.forward(
              inputs, postOps: fusion.fusion.postOps, accumulatingInto: accumulation.target)[0]
            for absorbed in fusion.fusion.absorbed { skipped[absorbed] = true }
            for slot in fusion.intermediates { fusedAway[program.names[slot]] = shapes[program.names[slot]] ?? [] }
            continue
          }
        }
        let outputs: [Value]
        if mode == .gradients, let stateful = executables[index] as? any StatefulForward {
          let (made, state) = try stateful.forwardKeepingState(inputs)
          outputs = made
          if let state { states[index] = state }
        } else {
          outputs = try executables[index].forward(inputs)
        }
        for (slot, value) in zip(program.outputs[index], outputs) where slot >= 0 { values[slot] = value }
      } catch let error as EngineError {
        throw EngineError("node '\(node.name)' (\(node.op.typeName)): \(error.description)")
      }
    }
    var named: [String: Value] = [:]
    named.reserveCapacity(fused ? outputNames.count + kept.count : values.count)
    for (slot, value) in values.enumerated() { if let value { named[program.names[slot]] = value } }
    return Trace(network: self, values: named, mode: mode, fusedAway: fusedAway, states: states)
  }

  /// Where a fused convolution writes: a new buffer (`target` nil, no residual), or a buffer holding
  /// the residual, which the sum post-op adds the convolution to.
  private struct Accumulation { let target: Value? }

  /// The buffer a fusion's sum post-op accumulates into: the residual's own when nothing reads it
  /// afterwards (by name, or through an alias such as a Reshape sharing its buffer), else a copy.
  private func accumulation(for slotFusion: ForwardProgram.SlotFusion, at index: Int, shapes: [String: [Int]], kept: Set<Int>,
                            values: inout [Value?]) throws -> Accumulation? {
    let fusion = slotFusion.fusion
    guard let slot = slotFusion.residual, let name = fusion.residual else { return Accumulation(target: nil) }
    guard let shape = values[slot]?.shape, let layout = values[slot]?.layout, let convOutput = nodes[index].outputs.first,
          shapes[convOutput] == shape, shape.count == 4 else { return nil }
    if layout == .native, slotFusion.residualMayBeOverwritten, !kept.contains(slot), var buffer = values[slot]?.buffer {
      values[slot] = nil
      if isKnownUniquelyReferenced(&buffer) { return Accumulation(target: Value(shape: shape, layout: layout, buffer: buffer)) }
      values[slot] = Value(shape: shape, layout: layout, buffer: buffer)
    }
    guard let residual = values[slot] else { throw EngineError("missing input '\(name)'") }
    if layout != .native {
      let reordered = try Reorder.value(residual, to: .native)
      // A reorder may share the buffer (H = W = 1 over whole blocks): the sum must not write into the residual.
      if reordered.buffer !== residual.buffer { return Accumulation(target: reordered) }
    }
    let copy = Value(uninitialized: shape, layout: .native)
    withExtendedLifetime(residual) { copy.buffer.pointer.update(from: residual.buffer.pointer, count: residual.buffer.count) }
    return Accumulation(target: copy)
  }
}
