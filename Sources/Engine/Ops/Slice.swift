/// ONNX Slice with constant starts, ends, axes and steps (negative indices and steps allowed,
/// out-of-range bounds clamped as the spec says). Backward scatters the gradient back.
public final class Slice: Op, IndexMapping, @unchecked Sendable {
  public let typeName = "Slice"
  public let traits: OpTraits = []
  public let starts: [Int], ends: [Int], axes: [Int]?, steps: [Int]?
  public init(starts: [Int], ends: [Int], axes: [Int]?, steps: [Int]?) {
    self.starts = starts
    self.ends = ends
    self.axes = axes
    self.steps = steps
  }

  /// Per axis: first index, step and count.
  func ranges(_ shape: [Int]) throws -> [(start: Int, step: Int, count: Int)] {
    var ranges = shape.map { (start: 0, step: 1, count: $0) }
    let axes = try (self.axes ?? Array(0..<starts.count)).map { try normalizedAxis($0, rank: shape.count, op: "Slice") }
    guard starts.count == ends.count, axes.count == starts.count else {
      throw EngineError("Slice starts \(starts), ends \(ends) and axes \(axes) differ in length")
    }
    for (i, axis) in axes.enumerated() {
      let size = shape[axis], requestedStep = steps?[i] ?? 1
      guard requestedStep != 0 else { throw EngineError("Slice step 0 on axis \(axis)") }
      // A step longer than the axis takes at most one element either way; clamping it keeps the
      // arithmetic below inside Int for any step the file holds.
      let step = min(max(requestedStep, -(size + 1)), size + 1)
      var start = starts[i] < 0 ? starts[i] + size : starts[i]
      var end = ends[i] < 0 ? ends[i] + size : ends[i]
      if step > 0 {
        start = min(max(start, 0), size)
        end = min(max(end, 0), size)
        ranges[axis] = (start, step, max(0, (end - start + step - 1) / step))
      } else {
        start = min(max(start, -1), size - 1)
        end = min(max(end, -1), size - 1)
        ranges[axis] = (start, step, max(0, (start - end - step - 1) / -step))
      }
    }
    return ranges
  }

  public func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] { [try ranges(inputShapes[0]).map(\.count)] }

  public func map(_ shape: [Int]) throws -> ([Int], [Int]) {
    let r = try ranges(shape)
    let outShape = r.map(\.count), strides = Tensor.strides(of: shape)
    var map = [Int](repeating: 0, count: outShape.reduce(1, *))
    GatherMap.forEachIndex(outShape) { position, index in
      var offset = 0
      for axis in 0..<index.count { offset += (r[axis].start + index[axis] * r[axis].step) * strides[axis] }
      map[position] = offset
    }
    return (map, outShape)
  }
}
