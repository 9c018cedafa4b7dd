import Engine
import ONNXFormat

/// Builders for the shape and data-movement ops, whose shape arguments moved from attributes to
/// constant inputs across opsets (Split 13/18, ReduceMean 18, Slice 10, Pad 11).
extension OpBuilders {
  static let reshape: Builder = { context in
    let shape = try context.constant(1, "shape").intValues
    // torch's exporters write the traced batch size into view/reshape targets ([1, 1280]);
    // when it equals the declared batch, the first dimension follows the actual input batch.
    let batchFromInput = context.declaredBatch >= 1 && shape.count >= 2 && shape[0] == context.declaredBatch
    let op = Reshape(.shape(shape, allowZero: context.int("allowzero", default: 0) != 0), batchFromInput: batchFromInput)
    return BuiltOp(op: op, inputs: [try context.activation()])
  }

  static let split: Builder = { context in
    let axis = context.int("axis", default: 0)
    let sizes = try context.optionalConstant(1, "split")?.intValues ?? context.ints("split")
    let parts = context.node.intAttribute("num_outputs") ?? context.node.outputs.count
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
      guard let rank = context.graph.valueShapes[try context.activation()]?.count else {
        throw context.error("Pad with 'axes' needs the input's rank, which the model does not declare")
      }
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

  static let reduceMean: Builder = { context in
    let axes = context.opset >= 18 ? try context.optionalConstant(1, "axes")?.intValues : context.ints("axes")
    let keepDims = context.int("keepdims", default: 1) != 0
    if (axes ?? []).isEmpty && context.int("noop_with_empty_axes", default: 0) != 0 {
      return BuiltOp(op: Identity(typeName: "ReduceMean"), inputs: [try context.activation()])
    }
    return BuiltOp(op: ReduceMean(axes: (axes ?? []).isEmpty ? nil : axes, keepDims: keepDims), inputs: [try context.activation()])
  }

  static let lrn: Builder = { context in
    guard let size = context.node.intAttribute("size"), size >= 1 else { throw context.error("size is required") }
    let op = LRN(size: size, alpha: context.float("alpha", default: 1e-4), beta: context.float("beta", default: 0.75),
                 bias: context.float("bias", default: 1))
    return BuiltOp(op: op, inputs: [try context.activation()])
  }
}
