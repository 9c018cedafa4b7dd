import Engine
import ONNXFormat

/// Builders for ops that move or pick elements with constant arguments: Expand, Gather, Tile,
/// ScatterND, Resize.
extension OpBuilders {
  /// Expand(x, shape): a dimension of `shape` that pins x's batch dimension to the traced batch
  /// becomes 1, so the output follows the batch (`BatchTracking.expandTarget`).
  static let expand: Builder = { context in
    let x = try context.activation()
    let shape = try context.constant(1, "shape").intValues
    return BuiltOp(op: Expand(shape: context.tracking.expandTarget(shape, input: x)), inputs: [x])
  }

  /// Gather on run-time data with constant indices. Indices traced at batch 1 along an axis that
  /// holds the batch (dynamo's `as_strided`: a Gather from the flattened tensor) repeat per item.
  static let gather: Builder = { context in
    guard let indices = context.inputName(1), let constant = context.constants[indices] else {
      throw context.error("indices must be constant (gathering at run-time indices is not supported)")
    }
    let x = try context.activation(), axis = context.int("axis", default: 0)
    var values = constant.intValues
    var perItem: Gather.PerItem?
    let tracking = context.tracking
    if tracking.batch0 == 1, let shape = tracking.shapes0[x], let batch = tracking.batchAxes[x],
       (axis < 0 ? axis + shape.count : axis) == batch.axis, shape[batch.axis] == batch.inner,
       let itemAxis = constant.shape.firstIndex(of: 1) {
      values = values.map { $0 < 0 ? $0 + shape[batch.axis] : $0 }
      perItem = Gather.PerItem(indicesAxis: itemAxis, span: batch.inner)
    }
    return BuiltOp(op: Gather(axis: axis, indices: values, indicesShape: constant.shape, perItem: perItem), inputs: [x])
  }

  /// Einsum with one or two operands (run-time or constant).
  static let einsum: Builder = { context in
    guard let equation = context.node.stringAttribute("equation") else { throw context.error("attribute 'equation' is required") }
    return BuiltOp(op: try Einsum(equation: equation), inputs: context.node.inputs.filter { !$0.isEmpty })
  }

  static let tile: Builder = { context in
    BuiltOp(op: Tile(repeats: try context.constant(1, "repeats").intValues), inputs: [try context.activation()])
  }

  static let scatterND: Builder = { context in
    let indices = try context.constant(1, "indices")
    let reduction = context.node.stringAttribute("reduction") ?? "none"
    guard let kind = ScatterND.Reduction(rawValue: reduction) else {
      throw context.error("reduction '\(reduction)' is not supported (none, add)")
    }
    guard let updates = context.inputName(2) else { throw context.error("missing input 2 (updates)") }
    // Indices traced at batch 1 that address the batch in their first coordinate repeat per item.
    let data = try context.activation(), tracking = context.tracking, values = indices.intValues
    let k = indices.shape.last ?? 0
    let perItem = tracking.batch0 == 1 && k >= 1 && indices.shape.first == 1 && tracking.batchAxes[data] == BatchAxis(axis: 0, inner: 1)
      && tracking.batchAxes[updates]?.axis == 0 && stride(from: 0, to: values.count, by: k).allSatisfy { values[$0] == 0 || values[$0] == -1 }
    return BuiltOp(op: ScatterND(indices: perItem ? values.enumerated().map { $0.offset % k == 0 ? 0 : $0.element } : values,
                                 indicesShape: indices.shape, reduction: kind, perItem: perItem),
                   inputs: [data, updates])
  }

  /// Resize (opsets 13-21) over the last two axes: scales (input 2) or sizes (input 3), optionally
  /// for `axes` only (opset 18); the other axes must keep their size.
  static let resize: Builder = { context in
    let x = try context.activation()
    let shape = try context.inputShape(0), rank = shape.count
    let modeName = context.node.stringAttribute("mode") ?? "nearest"
    guard let mode = Resize.Mode(rawValue: modeName) else {
      throw context.error("mode '\(modeName)' is not supported (supported: \(Resize.Mode.allCases.map(\.rawValue).joined(separator: ", ")))")
    }
    let coordinateName = context.node.stringAttribute("coordinate_transformation_mode") ?? "half_pixel"
    guard let coordinates = Resize.CoordinateMode(rawValue: coordinateName) else {
      throw context.error("coordinate_transformation_mode '\(coordinateName)' is not supported (supported: \(Resize.CoordinateMode.allCases.map(\.rawValue).joined(separator: ", ")))")
    }
    let nearestName = context.node.stringAttribute("nearest_mode") ?? "round_prefer_floor"
    guard let nearest = Resize.NearestMode(rawValue: nearestName) else {
      throw context.error("nearest_mode '\(nearestName)' is not supported (supported: \(Resize.NearestMode.allCases.map(\.rawValue).joined(separator: ", ")))")
    }
    guard rank >= 2 else { throw context.error("needs an input of rank ≥ 2, got \(shape)") }
    let axes = try (context.ints("axes") ?? Array(0..<rank)).map { axis -> Int in
      guard axis >= -rank && axis < rank else { throw context.error("axis \(axis) is out of range for rank \(rank)") }
      return axis < 0 ? axis + rank : axis
    }
    /// The per-axis values for all axes, `fill` where `axes` leaves one out.
    func full(_ values: [Double], fill: (Int) -> Double) throws -> [Double] {
      guard values.count == axes.count else { throw context.error("has \(values.count) scales or sizes for \(axes.count) axes") }
      var result = (0..<rank).map(fill)
      for (value, axis) in zip(values, axes) { result[axis] = value }
      return result
    }
    let target: Resize.Target
    var scales: [Double]
    if let given = try context.optionalConstant(3, "sizes")?.intValues, !given.isEmpty {
      var sizes = try full(given.map(Double.init)) { Double(shape[$0]) }
      let policy = context.node.stringAttribute("keep_aspect_ratio_policy") ?? "stretch"
      if policy != "stretch" {  // opset 18: one scale for the listed axes, sizes rounded from it
        guard policy == "not_larger" || policy == "not_smaller" else {
          throw context.error("keep_aspect_ratio_policy '\(policy)' is not supported (stretch, not_larger, not_smaller)")
        }
        let ratios = axes.map { sizes[$0] / Double(shape[$0]) }
        let scale = policy == "not_larger" ? ratios.min() ?? 1 : ratios.max() ?? 1
        for axis in axes { sizes[axis] = (scale * Double(shape[axis])).rounded() }
      }
      // The batch was traced into sizes[0]; every other leading axis must keep its size.
      let batch = context.tracking.batchAxes[x]?.axis
      for axis in 0..<(rank - 2) where axis != batch && Int(sizes[axis]) != shape[axis] {
        throw context.error("resizing axis \(axis) (\(shape[axis]) -> \(Int(sizes[axis]))) is not supported; only the last two axes")
      }
      scales = (0..<rank).map { sizes[$0] / Double(max(shape[$0], 1)) }
      target = .sizes(Int(sizes[rank - 2]), Int(sizes[rank - 1]))
    } else if let given = try context.optionalConstant(2, "scales")?.floatValues, !given.isEmpty {
      scales = try full(given.map(Double.init)) { _ in 1 }
      for axis in 0..<(rank - 2) where scales[axis] != 1 {
        throw context.error("scale \(scales[axis]) on axis \(axis) is not supported; only the last two axes are resized")
      }
      target = .scales(Float(scales[rank - 2]), Float(scales[rank - 1]))
    } else {
      throw context.error("needs constant scales (input 2) or sizes (input 3)")
    }
    if context.int("antialias", default: 0) != 0, mode == .linear, scales.contains(where: { $0 < 1 }) {
      throw context.error("antialias=1 when downscaling is not supported")
    }
    return BuiltOp(op: Resize(mode: mode, coordinates: coordinates, nearest: nearest, target: target), inputs: [x])
  }
}
