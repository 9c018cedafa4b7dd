/// ONNX Pad (modes constant, reflect, edge) with pads [x1_begin, x2_begin, ..., x1_end, x2_end, ...]
/// (negative pads crop). Backward scatter-adds the gradient to the input positions each output read.
public final class Pad: Op, IndexMapping, @unchecked Sendable {
  public enum Mode: String, Sendable { case constant, reflect, edge }
  public let typeName = "Pad"
  public let traits: OpTraits = []
  public let mode: Mode
  public let pads: [Int]
  public let value: Float
  public var fill: Float { value }
  public init(mode: Mode, pads: [Int], value: Float = 0) {
    self.mode = mode
    self.pads = pads
    self.value = value
  }

  public func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
    let x = inputShapes[0]
    guard pads.count == 2 * x.count else { throw EngineError("Pad has \(pads.count) pads for a rank-\(x.count) input") }
    let shape = try x.indices.map { axis in
      // Pads come from the file: any 64-bit value, so the sum is checked rather than trapping.
      let (before, overflowBefore) = x[axis].addingReportingOverflow(pads[axis])
      let (size, overflowAfter) = before.addingReportingOverflow(pads[axis + x.count])
      guard !overflowBefore, !overflowAfter else { throw EngineError("Pad \(pads) is absurd for input \(x)") }
      return size
    }
    guard shape.allSatisfy({ $0 >= 0 }) else { throw EngineError("Pad \(pads) crops input \(x) below zero") }
    return [shape]
  }

  public func map(_ shape: [Int]) throws -> ([Int], [Int]) {
    let outShape = try outputShapes([shape])[0], strides = Tensor.strides(of: shape), rank = shape.count
    if mode == .reflect, shape.enumerated().contains(where: { $0.element < 2 && (pads[$0.offset] > 0 || pads[$0.offset + rank] > 0) }) {
      throw EngineError("reflect padding needs at least 2 elements on each padded axis (input \(shape))")
    }
    var map = [Int](repeating: -1, count: outShape.reduce(1, *))
    GatherMap.forEachIndex(outShape) { position, index in
      var offset = 0
      for axis in 0..<rank {
        var i = index[axis] - pads[axis]
        let size = shape[axis]
        if i < 0 || i >= size {
          switch mode {
          case .constant: return
          case .edge: i = min(max(i, 0), size - 1)
          case .reflect:
            let period = 2 * (size - 1)
            i = ((i % period) + period) % period
            if i >= size { i = period - i }
          }
        }
        offset += i * strides[axis]
      }
      map[position] = offset
    }
    return (map, outShape)
  }
}
