// Constant folding of the ops that rearrange elements or compute shapes (ONNX operator spec,
// opsets 13-21): Shape, Size, Gather, Unsqueeze, Squeeze, Concat, Reshape, Flatten, Slice, Expand,
// Transpose, Tile, ScatterND.
// Each takes the node (for attributes) and its constant inputs and returns its outputs.

enum FoldShapeOps {
  /// Shape: the dims of the input as int64 [rank], restricted to [start, end) (opset 15 attributes;
  /// negative values count from the end, then clamp to [0, rank]).
  static func shape(_ node: ONNXNode, dims: [Int]) -> ONNXConstant {
    let rank = dims.count
    func clamped(_ value: Int) -> Int { min(max(value < 0 ? value + rank : value, 0), rank) }
    let start = clamped(node.intAttribute("start") ?? 0)
    let end = clamped(node.intAttribute("end") ?? rank)
    return .vector(start < end ? Array(dims[start..<end]) : [])
  }

  static func size(_ data: ONNXConstant) -> ONNXConstant {
    ONNXConstant(shape: [], int64s: [Int64(data.count)])
  }

  /// Gather(data, indices), axis attribute: out shape = data[..<axis] + indices.shape + data[axis+1...].
  static func gather(_ node: ONNXNode, data: ONNXConstant, indices: ONNXConstant, limit: Int) throws -> ONNXConstant {
    let axis = try ConstantIndexing.normalizedAxis(node.intAttribute("axis") ?? 0, rank: data.shape.count)
    let shape = Array(data.shape[..<axis]) + indices.shape + Array(data.shape[(axis + 1)...])
    _ = try ConstantIndexing.checkedCount(shape, limit: limit)
    let axisDim = data.shape[axis]
    let outer = data.shape[..<axis].reduce(1, *)
    let inner = data.shape[(axis + 1)...].reduce(1, *)
    let picks = try indices.intValues.map { index -> Int in
      guard index >= -axisDim, index < axisDim else {
        throw FoldingError("index \(index) is out of range for axis \(axis) of size \(axisDim)")
      }
      return index < 0 ? index + axisDim : index
    }
    var flat: [Int] = []
    flat.reserveCapacity(outer * picks.count * inner)
    for o in 0..<outer {
      for pick in picks {
        let base = (o * axisDim + pick) * inner
        flat.append(contentsOf: base..<(base + inner))
      }
    }
    return data.picking(flat, shape: shape)
  }

  /// Unsqueeze(data, axes): inserts 1-dims at `axes` (indices into the output rank).
  static func unsqueeze(_ node: ONNXNode, data: ONNXConstant, axes: ONNXConstant?) throws -> ONNXConstant {
    guard let axesList = axes?.intValues ?? node.intsAttribute("axes") else { throw FoldingError("axes are missing") }
    let outRank = data.shape.count + axesList.count
    let inserted = Set(try axesList.map { try ConstantIndexing.normalizedAxis($0, rank: outRank) })
    guard inserted.count == axesList.count else { throw FoldingError("axes \(axesList) repeat an axis") }
    var remaining = data.shape.makeIterator()
    let shape = (0..<outRank).map { inserted.contains($0) ? 1 : (remaining.next() ?? 1) }
    return data.reshaped(shape)
  }

  /// Squeeze(data, axes?): removes the listed 1-dims, or every 1-dim when axes are omitted.
  static func squeeze(_ node: ONNXNode, data: ONNXConstant, axes: ONNXConstant?) throws -> ONNXConstant {
    guard let axesList = axes?.intValues ?? node.intsAttribute("axes") else {
      return data.reshaped(data.shape.filter { $0 != 1 })
    }
    let removed = Set(try axesList.map { try ConstantIndexing.normalizedAxis($0, rank: data.shape.count) })
    for axis in removed where data.shape[axis] != 1 {
      throw FoldingError("axis \(axis) has size \(data.shape[axis]), only 1-dims can be squeezed")
    }
    return data.reshaped(data.shape.indices.filter { !removed.contains($0) }.map { data.shape[$0] })
  }

  /// Concat(inputs...), axis attribute. Int64 when every input is int64, Float otherwise.
  static func concat(_ node: ONNXNode, _ parts: [ONNXConstant]) throws -> ONNXConstant {
    guard let first = parts.first else { throw FoldingError("Concat needs at least one input") }
    let rank = first.shape.count
    let axis = try ConstantIndexing.normalizedAxis(node.intAttribute("axis") ?? 0, rank: rank)
    var shape = first.shape
    shape[axis] = 0
    for part in parts {
      var expected = first.shape
      expected[axis] = part.shape.count == rank ? part.shape[axis] : -1
      guard part.shape == expected else {
        throw FoldingError("input shapes \(first.shape) and \(part.shape) differ outside axis \(axis)")
      }
      shape[axis] += part.shape[axis]
    }
    let outer = first.shape[..<axis].reduce(1, *)
    func joined<T>(_ arrays: [[T]]) -> [T] {
      let blocks = parts.map { $0.shape[axis...].reduce(1, *) }
      var result: [T] = []
      result.reserveCapacity(blocks.reduce(0, +) * outer)
      for o in 0..<outer {
        for (values, block) in zip(arrays, blocks) { result.append(contentsOf: values[(o * block)..<((o + 1) * block)]) }
      }
      return result
    }
    if parts.allSatisfy(\.isInteger) {
      return ONNXConstant(shape: shape, int64s: joined(parts.map(\.int64Values)))
    }
    return ONNXConstant(shape: shape, floats: joined(parts.map(\.floatValues)))
  }

  /// Reshape(data, shape): 0 copies the input dim (unless allowzero = 1), one -1 is inferred.
  static func reshape(_ node: ONNXNode, data: ONNXConstant, shape requested: ONNXConstant) throws -> ONNXConstant {
    let allowZero = node.intAttribute("allowzero") ?? 0
    var shape = try requested.intValues.enumerated().map { axis, dim -> Int in
      guard dim == 0, allowZero == 0 else { return dim }
      guard axis < data.shape.count else { throw FoldingError("shape \(requested.intValues) copies dim \(axis) of a rank-\(data.shape.count) input") }
      return data.shape[axis]
    }
    let inferred = shape.indices.filter { shape[$0] == -1 }
    guard inferred.count <= 1, shape.allSatisfy({ $0 >= -1 }) else {
      throw FoldingError("shape \(requested.intValues) is not a valid Reshape target")
    }
    if let axis = inferred.first {
      let known = try ConstantIndexing.checkedCount(shape.filter { $0 != -1 }, limit: Int.max)
      guard known > 0, data.count % known == 0 else {
        throw FoldingError("cannot infer the -1 in \(requested.intValues) for \(data.count) elements")
      }
      shape[axis] = data.count / known
    }
    guard try ConstantIndexing.checkedCount(shape, limit: Int.max) == data.count else {
      throw FoldingError("shape \(requested.intValues) does not hold the \(data.count) elements of shape \(data.shape)")
    }
    return data.reshaped(shape)
  }

  /// Flatten(data), axis attribute in [-rank, rank]: [prod(dims[..<axis]), prod(dims[axis...])].
  static func flatten(_ node: ONNXNode, data: ONNXConstant) throws -> ONNXConstant {
    let rank = data.shape.count
    let rawAxis = node.intAttribute("axis") ?? 1
    guard rawAxis >= -rank, rawAxis <= rank else { throw FoldingError("axis \(rawAxis) is out of range for rank \(rank)") }
    let axis = rawAxis < 0 ? rawAxis + rank : rawAxis
    return data.reshaped([data.shape[..<axis].reduce(1, *), data.shape[axis...].reduce(1, *)])
  }

  /// Slice(data, starts, ends, axes?, steps?) with the clamping of the ONNX spec, so that
  /// ends like INT64_MAX or INT64_MIN mean "to the end" / "to the beginning".
  static func slice(data: ONNXConstant, starts: ONNXConstant, ends: ONNXConstant,
                    axes: ONNXConstant?, steps: ONNXConstant?) throws -> ONNXConstant {
    let rank = data.shape.count
    let startList = starts.intValues, endList = ends.intValues
    let axisList = try (axes?.intValues ?? Array(0..<startList.count)).map { try ConstantIndexing.normalizedAxis($0, rank: rank) }
    let stepList = steps?.intValues ?? [Int](repeating: 1, count: startList.count)
    guard endList.count == startList.count, axisList.count == startList.count, stepList.count == startList.count else {
      throw FoldingError("starts, ends, axes and steps have different lengths")
    }
    guard Set(axisList).count == axisList.count else { throw FoldingError("axes \(axisList) repeat an axis") }
    let strides = ConstantIndexing.strides(of: data.shape)
    var shape = data.shape
    var sliceStrides = strides
    var base = 0
    for (i, axis) in axisList.enumerated() {
      let dim = data.shape[axis], step = stepList[i]
      guard step != 0 else { throw FoldingError("step 0 on axis \(axis)") }
      // Negative values count from the end (dim is small, so adding it cannot overflow a negative Int).
      let start = startList[i] < 0 ? startList[i] + dim : startList[i]
      let end = endList[i] < 0 ? endList[i] + dim : endList[i]
      let first: Int, stop: Int, length: Int
      // length = ceil(distance / |step|), written so that |step| up to INT64_MIN cannot overflow.
      if step > 0 {
        first = min(max(start, 0), dim)
        stop = min(max(end, 0), dim)
        length = stop > first ? (stop - first - 1) / step + 1 : 0
      } else {
        first = min(max(start, 0), dim - 1)
        stop = min(max(end, -1), dim - 1)
        length = first > stop ? Int(UInt(first - stop - 1) / step.magnitude) + 1 : 0
      }
      shape[axis] = length
      base += first * strides[axis]
      // Wrapping: a huge step only matters when length is 1, where the stride is never applied.
      sliceStrides[axis] = strides[axis] &* step
    }
    return data.picking(ConstantIndexing.flatIndices(shape: shape, strides: sliceStrides, base: base), shape: shape)
  }

  /// Expand(data, shape): broadcast data to the broadcast of its shape and `shape`.
  static func expand(data: ONNXConstant, shape requested: ONNXConstant, limit: Int) throws -> ONNXConstant {
    let shape = try ConstantIndexing.broadcastShape([data.shape, requested.intValues])
    _ = try ConstantIndexing.checkedCount(shape, limit: limit)
    return data.picking(ConstantIndexing.broadcastIndices(from: data.shape, to: shape), shape: shape)
  }

  /// Transpose(data), perm attribute (default: reversed axes): output axis i is input axis perm[i].
  static func transpose(_ node: ONNXNode, data: ONNXConstant) throws -> ONNXConstant {
    let rank = data.shape.count
    let perm = node.intsAttribute("perm") ?? Array((0..<rank).reversed())
    guard perm.count == rank, Set(perm) == Set(0..<rank) else { throw FoldingError("perm \(perm) is not a permutation of \(rank) axes") }
    let strides = ConstantIndexing.strides(of: data.shape)
    return data.picking(ConstantIndexing.flatIndices(shape: perm.map { data.shape[$0] }, strides: perm.map { strides[$0] }),
                        shape: perm.map { data.shape[$0] })
  }

  /// Tile(data, repeats): out.shape[i] = shape[i] · repeats[i], out[j] = data[j mod shape] per axis.
  static func tile(data: ONNXConstant, repeats: ONNXConstant, limit: Int) throws -> ONNXConstant {
    let counts = repeats.intValues
    guard counts.count == data.shape.count, counts.allSatisfy({ $0 >= 0 }) else {
      throw FoldingError("repeats \(counts) do not fit data of shape \(data.shape)")
    }
    let shape = try zip(data.shape, counts).map { dim, times -> Int in
      let (product, overflow) = dim.multipliedReportingOverflow(by: times)
      guard !overflow else { throw FoldingError("repeats \(counts) overflow the shape \(data.shape)") }
      return product
    }
    let count = try ConstantIndexing.checkedCount(shape, limit: limit)
    let strides = ConstantIndexing.strides(of: data.shape), outStrides = ConstantIndexing.strides(of: shape)
    let indices = (0..<count).map { flat in
      data.shape.indices.reduce(0) { offset, axis in offset + (flat / outStrides[axis] % shape[axis]) % data.shape[axis] * strides[axis] }
    }
    return data.picking(indices, shape: shape)
  }

  /// ScatterND(data, indices, updates), reduction none or add: each index tuple of the last axis of
  /// `indices` (negative from the end) receives its slice of `updates`.
  static func scatterND(_ node: ONNXNode, data: ONNXConstant, indices: ONNXConstant, updates: ONNXConstant) throws -> ONNXConstant {
    let reduction = node.stringAttribute("reduction") ?? "none"
    guard reduction == "none" || reduction == "add" else { throw FoldingError("reduction '\(reduction)' is not supported (none, add)") }
    guard let k = indices.shape.last, k <= data.shape.count else {
      throw FoldingError("indices of shape \(indices.shape) do not fit data of shape \(data.shape)")
    }
    let expected = Array(indices.shape.dropLast()) + Array(data.shape[k...])
    guard updates.shape == expected else { throw FoldingError("updates have shape \(updates.shape), expected \(expected)") }
    let strides = ConstantIndexing.strides(of: data.shape), slice = data.shape[k...].reduce(1, *)
    let tuples = indices.intValues
    var floats = data.floatValues, ints = data.int64Values
    let newFloats = updates.floatValues, newInts = updates.int64Values
    for tuple in 0..<(k == 0 ? 0 : tuples.count / k) {
      var base = 0
      for axis in 0..<k {
        let index = tuples[tuple * k + axis], dim = data.shape[axis]
        guard index >= -dim, index < dim else { throw FoldingError("index \(index) is out of range for axis \(axis) of size \(dim)") }
        base += (index < 0 ? index + dim : index) * strides[axis]
      }
      for j in 0..<slice {
        let u = tuple * slice + j
        floats[base + j] = reduction == "add" ? floats[base + j] + newFloats[u] : newFloats[u]
        ints[base + j] = reduction == "add" ? ints[base + j] &+ newInts[u] : newInts[u]
      }
    }
    return data.isInteger ? ONNXConstant(shape: data.shape, int64s: ints) : ONNXConstant(shape: data.shape, floats: floats)
  }

  /// GatherND(data, indices), batch_dims b: each index tuple of the last axis of `indices` (k values,
  /// negative from the end) picks data[batch…, i₁, …, i_k, :]; out.shape = indices.shape[..<-1] + data.shape[b+k...].
  static func gatherND(_ node: ONNXNode, data: ONNXConstant, indices: ONNXConstant, limit: Int) throws -> ONNXConstant {
    let b = node.intAttribute("batch_dims") ?? 0
    guard let k = indices.shape.last, b >= 0, b < indices.shape.count, b + k <= data.shape.count,
          Array(data.shape[..<b]) == Array(indices.shape[..<b]) else {
      throw FoldingError("indices of shape \(indices.shape) (batch_dims \(b)) do not fit data of shape \(data.shape)")
    }
    let shape = Array(indices.shape.dropLast()) + Array(data.shape[(b + k)...])
    _ = try ConstantIndexing.checkedCount(shape, limit: limit)
    let strides = ConstantIndexing.strides(of: data.shape), slice = data.shape[(b + k)...].reduce(1, *)
    let batchCount = data.shape[..<b].reduce(1, *), batchStride = b == 0 ? 0 : strides[b - 1]
    let tuplesPerBatch = indices.shape[b..<(indices.shape.count - 1)].reduce(1, *)
    let values = indices.intValues
    var picks: [Int] = []
    picks.reserveCapacity(shape.reduce(1, *))
    for batch in 0..<batchCount {
      for tuple in 0..<tuplesPerBatch {
        var base = batch * batchStride
        for axis in 0..<k {
          let index = values[(batch * tuplesPerBatch + tuple) * k + axis], dim = data.shape[b + axis]
          guard index >= -dim, index < dim else { throw FoldingError("index \(index) is out of range for axis \(b + axis) of size \(dim)") }
          base += (index < 0 ? index + dim : index) * strides[b + axis]
        }
        picks.append(contentsOf: base..<(base + slice))
      }
    }
    return data.picking(picks, shape: shape)
  }
}
