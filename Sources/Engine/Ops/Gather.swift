/// ONNX Gather on run-time data with constant indices (the class token `x[:, 0]`, a head's slice):
/// out.shape = data.shape[..<axis] + indices.shape + data.shape[axis+1...], negative indices count
/// from the end. Backward scatter-adds the gradient to the gathered positions (a repeated index
/// receives the sum).
/// `perItem`: the indices were traced for one batch item along `indicesAxis` (size 1), picking
/// within the first `span` positions of the gathered axis, which holds the batch in blocks of
/// `span` (torch's dynamo export of `as_strided` gathers from the flattened tensor); for a data axis
/// of n·span positions the indices repeat n times along `indicesAxis`, item b offset by b·span.
public final class Gather: Op, IndexMapping, @unchecked Sendable {
  public let traits: OpTraits = []
  public struct PerItem: Sendable { public let indicesAxis: Int, span: Int
    public init(indicesAxis: Int, span: Int) { self.indicesAxis = indicesAxis; self.span = span }
  }
  public let typeName = "Gather"
  public let axis: Int
  public let indices: [Int]
  public let indicesShape: [Int]
  public let perItem: PerItem?
  public init(axis: Int, indices: [Int], indicesShape: [Int], perItem: PerItem? = nil) {
    self.axis = axis
    self.indices = indices
    self.indicesShape = indicesShape
    self.perItem = perItem
  }

  /// The indices for data of `shape` and their shape (repeated per batch item with `perItem`).
  private func effectiveIndices(_ shape: [Int], axis a: Int) throws -> (values: [Int], shape: [Int]) {
    guard let perItem else { return (indices, indicesShape) }
    guard shape[a] % perItem.span == 0 else {
      throw EngineError("Gather axis \(axis) of size \(shape[a]) does not hold whole items of \(perItem.span)")
    }
    let items = shape[a] / perItem.span, t = perItem.indicesAxis
    let outer = indicesShape[..<t].reduce(1, *), block = indicesShape[t...].reduce(1, *)
    var values: [Int] = []
    values.reserveCapacity(indices.count * items)
    for o in 0..<outer {
      for item in 0..<items { values += indices[(o * block)..<((o + 1) * block)].map { $0 + item * perItem.span } }
    }
    var repeated = indicesShape
    repeated[t] = items
    return (values, repeated)
  }

  public func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
    let x = inputShapes[0]
    let a = try normalizedAxis(axis, rank: x.count, op: "Gather")
    let (values, shape) = try effectiveIndices(x, axis: a)
    for index in values where index < -x[a] || index >= x[a] {
      throw EngineError("Gather index \(index) is out of range for axis \(axis) of size \(x[a])")
    }
    return [Array(x[..<a]) + shape + Array(x[(a + 1)...])]
  }

  public func map(_ shape: [Int]) throws -> ([Int], [Int]) {
    let outShape = try outputShapes([shape])[0]
    let a = try normalizedAxis(axis, rank: shape.count, op: "Gather")
    let outer = shape[..<a].reduce(1, *), size = shape[a], inner = shape[(a + 1)...].reduce(1, *)
    let picks = try effectiveIndices(shape, axis: a).values
    var map: [Int] = []
    map.reserveCapacity(outShape.reduce(1, *))
    for o in 0..<outer {
      for index in picks {
        let base = (o * size + (index < 0 ? index + size : index)) * inner
        map.append(contentsOf: base..<(base + inner))
      }
    }
    return (map, outShape)
  }
}
