/// ONNX Transpose: output axis i is input axis perm[i] (default: reversed). Backward: the inverse permutation.
public final class Transpose: Op, IndexMapping, @unchecked Sendable {
  public let typeName = "Transpose"
  public let traits: OpTraits = []
  public let permutation: [Int]?
  public init(permutation: [Int]?) { self.permutation = permutation }

  func perm(_ rank: Int) throws -> [Int] {
    let p = permutation ?? Array((0..<rank).reversed())
    guard p.count == rank, Set(p) == Set(0..<rank) else { throw EngineError("perm \(p) is not a permutation of \(rank) axes") }
    return p
  }

  public func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
    let x = inputShapes[0]
    return [try perm(x.count).map { x[$0] }]
  }

  public func map(_ shape: [Int]) throws -> ([Int], [Int]) {
    let p = try perm(shape.count)
    let outShape = p.map { shape[$0] }
    let strides = Tensor.strides(of: shape)
    var map = [Int](repeating: 0, count: shape.reduce(1, *))
    GatherMap.forEachIndex(outShape) { position, index in
      var offset = 0
      for axis in 0..<index.count { offset += index[axis] * strides[p[axis]] }
      map[position] = offset
    }
    return (map, outShape)
  }
}
