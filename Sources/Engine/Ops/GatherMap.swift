/// Data-movement ops (Transpose, Slice, Pad, Concat, Split) as index maps on plain values:
/// output[i] = input[map[i]], or a constant where map[i] < 0. The backward of such a map is the
/// scatter-add dx[map[i]] += dy[i], so each of those ops needs only its map.
enum GatherMap {
  static func gather(_ x: Value, map: [Int], shape: [Int], fill: Float = 0) -> Value {
    let out = Value(zeros: shape)
    let source = x.buffer.pointer, target = out.buffer.pointer
    for i in 0..<map.count { target[i] = map[i] >= 0 ? source[map[i]] : fill }
    return out
  }

  static func scatter(_ dy: Value, map: [Int], shape: [Int]) -> Value {
    let out = Value(zeros: shape)
    let source = dy.buffer.pointer, target = out.buffer.pointer
    for i in 0..<map.count where map[i] >= 0 { target[map[i]] += source[i] }
    return out
  }

  /// Calls `body(outputIndex, multiIndex)` for every element of `shape` in row-major order.
  static func forEachIndex(_ shape: [Int], _ body: (Int, [Int]) -> Void) {
    let total = shape.reduce(1, *)
    guard total > 0 else { return }
    var index = [Int](repeating: 0, count: shape.count)
    for position in 0..<total {
      body(position, index)
      var axis = shape.count - 1
      while axis >= 0 {
        index[axis] += 1
        if index[axis] < shape[axis] { break }
        index[axis] = 0
        axis -= 1
      }
    }
  }
}

/// An op whose output picks its input's elements through an index map: output[i] = input[map[i]]
/// (`fill` where map[i] < 0). Forward gathers, backward scatter-adds dy back through the same map;
/// a conformer only gives the map for an input shape (Transpose, Slice, Pad, Tile, Gather).
protocol IndexMapping: ExecutableOp {
  /// The map and the output shape for an input of `shape`.
  func map(_ shape: [Int]) throws -> ([Int], [Int])
  /// The value of output positions that read no input element.
  var fill: Float { get }
}

extension IndexMapping {
  var fill: Float { 0 }

  func forward(_ inputs: [Value]) throws -> [Value] {
    let x = try Reorder.value(inputs[0], to: .plain)
    let (m, shape) = try map(x.shape)
    return [withExtendedLifetime(x) { GatherMap.gather(x, map: m, shape: shape, fill: fill) }]
  }

  func backward(_ pass: BackwardPass) throws -> [Value?] {
    guard pass.needsGradient[0], let dyValue = pass.outputGradients[0] else { return [nil] }
    let (m, _) = try map(pass.inputs[0].shape)
    let dy = try Reorder.value(dyValue, to: .plain)
    return [withExtendedLifetime(dy) { GatherMap.scatter(dy, map: m, shape: pass.inputs[0].shape) }]
  }
}

/// Normalises a possibly negative axis for a tensor of rank `rank`.
func normalizedAxis(_ axis: Int, rank: Int, op: String) throws -> Int {
  let resolved = axis < 0 ? axis + rank : axis
  guard resolved >= 0 && resolved < max(rank, 1) else { throw EngineError("\(op) axis \(axis) is out of range for rank \(rank)") }
  return resolved
}
