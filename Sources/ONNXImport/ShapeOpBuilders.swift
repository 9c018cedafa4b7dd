import Engine
import ONNXFormat

/// Builders for the shape and data-movement ops, whose shape arguments moved from attributes to
/// constant inputs across opsets (Split 13/18, Reduce* 13/18, Slice 10, Pad 11, Squeeze/Unsqueeze 13).
extension OpBuilders {
  /// torch's exporters write the traced batch size into view/reshape targets ([1, 1280],
  /// [1, 197, 3, 3, 64]); the dimension that holds the batch, found by shape inference
  /// (`BatchTracking.reshapeTargets`, the `batchChoice`-th candidate), becomes −1 so it follows the
  /// input's batch.
  static let reshape: Builder = { context in
    let requested = try context.constant(1, "shape").intValues
    let allowZero = context.int("allowzero", default: 0) != 0
    let x = try context.activation()
    do {
      let candidates = try context.tracking.reshapeTargets(requested, allowZero: allowZero, input: x)
      if !candidates.isEmpty {
        let following = candidates[min(context.batchChoice, candidates.count - 1)]
        return BuiltOp(op: Reshape(.shape(following.target, allowZero: true)), inputs: [x], batchAxis: following.batch,
                       batchCandidates: candidates.count)
      }
    } catch let error as EngineError {
      throw context.error("\(error.description) (input shape \((try? context.inputShape(0)) ?? []))")
    }
    return BuiltOp(op: Reshape(.shape(requested, allowZero: allowZero)), inputs: [x])
  }

  /// Squeeze: axes from input 1 (opset 13+) or the attribute; without axes every size-1 axis of the
  /// traced shape except the batch (a batch of 1 is not squeezed away).
  static let squeeze: Builder = { context in
    let x = try context.activation()
    var axes = try context.opset >= 13 ? context.optionalConstant(1, "axes")?.intValues : context.ints("axes")
    if axes == nil, let shape = context.tracking.shapes0[x] {
      let batch = context.tracking.batchAxes[x]?.axis
      axes = shape.indices.filter { shape[$0] == 1 && $0 != batch }
    }
    return BuiltOp(op: Reshape(.squeeze(axes: axes)), inputs: [x])
  }

  static let unsqueeze: Builder = { context in
    let axes = try context.opset >= 13 ? context.constant(1, "axes").intValues : context.ints("axes")
    guard let axes else { throw context.error("axes are required") }
    return BuiltOp(op: Reshape(.unsqueeze(axes: axes)), inputs: [try context.activation()])
  }

  static let split: Builder = { context in
    let axis = context.int("axis", default: 0)
    let sizes = try context.optionalConstant(1, "split")?.intValues ?? context.ints("split")
    let parts = context.node.intAttribute("num_outputs") ?? context.node.outputs.count
    guard parts == context.node.outputs.count else {
      throw context.error("num_outputs \(parts) differs from its \(context.node.outputs.count) outputs")
    }
    return BuiltOp(op: Split(axis: axis, sizes: sizes, parts: parts), inputs: [try context.activation()],
                   outputCount: context.node.outputs.count)
  }

  static let slice: Builder = { context in
    let starts = try context.constant(1, "starts").intValues
    let ends = try context.constant(2, "ends").intValues
    let axes = try context.optionalConstant(3, "axes")?.intValues
    let steps = try context.optionalConstant(4, "steps")?.intValues
    return BuiltOp(op: Slice(starts: starts, ends: ends, axes: axes, steps: steps), inputs: [try context.activation()])
  }

  static let pad: Builder = { context in
    let modeName = context.node.stringAttribute("mode") ?? "constant"
    guard let mode = Pad.Mode(rawValue: modeName) else {
      throw context.error("mode '\(modeName)' is not supported (constant, reflect, edge)")
    }
    var pads = try context.constant(1, "pads").intValues
    let value = try context.optionalConstant(2, "constant_value")?.floatValues.first ?? 0
    if let axes = try context.optionalConstant(3, "axes")?.intValues {
      // Expand per-axis pads to all axes; needs the rank, known from the declared shapes.
      let rank = try context.inputShape(0).count
      var full = [Int](repeating: 0, count: 2 * rank)
      for (i, axis) in axes.enumerated() {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0 && a < rank else { throw context.error("Pad axis \(axis) is out of range") }
        full[a] = pads[i]
        full[a + rank] = pads[i + axes.count]
      }
      pads = full
    }
    return BuiltOp(op: Pad(mode: mode, pads: pads, value: value), inputs: [try context.activation()])
  }

  /// Reduce*: axes from input 1 (ReduceSum from opset 13, the others from 18) or the attribute;
  /// none means all axes, or the identity with noop_with_empty_axes.
  static func reduce(_ kind: Reduce.Kind) -> Builder {
    { context in
      let axesAsInput = context.opset >= (kind == .sum ? 13 : 18)
      let axes = axesAsInput ? try context.optionalConstant(1, "axes")?.intValues : context.ints("axes")
      let keepDims = context.int("keepdims", default: 1) != 0
      if (axes ?? []).isEmpty && context.int("noop_with_empty_axes", default: 0) != 0 {
        return BuiltOp(op: Identity(typeName: kind.rawValue), inputs: [try context.activation()])
      }
      let resolved = (axes ?? []).isEmpty ? nil : axes
      let op = kind == .mean ? ReduceMean(axes: resolved, keepDims: keepDims) : Reduce(kind, axes: resolved, keepDims: keepDims)
      return BuiltOp(op: op, inputs: [try context.activation()])
    }
  }

  static let lrn: Builder = { context in
    guard let size = context.node.intAttribute("size"), size >= 1 else { throw context.error("size is required") }
    let op = LRN(size: size, alpha: context.float("alpha", default: 1e-4), beta: context.float("beta", default: 0.75),
                 bias: context.float("bias", default: 1))
    return BuiltOp(op: op, inputs: [try context.activation()])
  }
}
