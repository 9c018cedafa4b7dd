/// ONNX Tile: out.shape[i] = input.shape[i] · repeats[i], out[j] = input[j mod input.shape] per axis.
/// Backward sums the gradient of every copy.
public final class Tile: Op, IndexMapping, @unchecked Sendable {
  public let typeName = "Tile"
  public let traits: OpTraits = []
  public let repeats: [Int]
  public init(repeats: [Int]) { self.repeats = repeats }

  public func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
    let x = inputShapes[0]
    guard repeats.count == x.count, repeats.allSatisfy({ $0 >= 0 }) else {
      throw EngineError("Tile repeats \(repeats) do not fit an input of shape \(x)")
    }
    return [try zip(x, repeats).map { size, count in
      let (product, overflow) = size.multipliedReportingOverflow(by: count)  // repeats come from the file
      guard !overflow else { throw EngineError("Tile repeats \(repeats) are absurd for an input of shape \(x)") }
      return product
    }]
  }

  public func map(_ shape: [Int]) throws -> ([Int], [Int]) {
    let outShape = try outputShapes([shape])[0], strides = Tensor.strides(of: shape)
    var map = [Int](repeating: 0, count: outShape.reduce(1, *))
    GatherMap.forEachIndex(outShape) { position, index in
      var offset = 0
      for axis in 0..<index.count { offset += (index[axis] % shape[axis]) * strides[axis] }
      map[position] = offset
    }
    return (map, outShape)
  }
}
