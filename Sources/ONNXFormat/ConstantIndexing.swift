// Index arithmetic for constant folding: every folded op that moves elements (Gather, Slice,
// broadcasting in Add/Equal/Where/Expand) is expressed as "pick these flat source indices".
// Tensors are row-major; strides are in elements.

/// A reason a constant node cannot be evaluated; ConstantFolder adds the node and op.
struct FoldingError: Error {
  var reason: String
  init(_ reason: String) { self.reason = reason }
}

enum ConstantIndexing {
  /// Row-major strides: strides(of: [2, 3, 4]) == [12, 4, 1].
  static func strides(of shape: [Int]) -> [Int] {
    var result = [Int](repeating: 1, count: shape.count)
    var stride = 1
    for axis in shape.indices.reversed() {
      result[axis] = stride
      stride *= shape[axis]
    }
    return result
  }

  /// Element count of a computed shape, refused when a dim is negative, the product overflows,
  /// or it exceeds `limit` (checked before anything of that size is allocated).
  /// As in checkedShape, the product of the non-zero dims must fit as well.
  static func checkedCount(_ shape: [Int], limit: Int) throws -> Int {
    var nonZeroProduct = 1
    for dim in shape {
      guard dim >= 0 else { throw FoldingError("result shape \(shape) has a negative dimension") }
      guard dim != 0 else { continue }
      let (product, overflow) = nonZeroProduct.multipliedReportingOverflow(by: dim)
      guard !overflow else { throw FoldingError("result shape \(shape) overflows a 64-bit element count") }
      nonZeroProduct = product
    }
    let count = shape.contains(0) ? 0 : nonZeroProduct
    guard count <= limit else { throw FoldingError("result has \(count) elements, more than the limit of \(limit)") }
    return count
  }

  /// `axis` in [-rank, rank) mapped to [0, rank).
  static func normalizedAxis(_ axis: Int, rank: Int) throws -> Int {
    guard axis >= -rank, axis < rank else { throw FoldingError("axis \(axis) is out of range for rank \(rank)") }
    return axis < 0 ? axis + rank : axis
  }

  /// Flat source indices for every position of `shape` (row-major), each `base + sum(i_a * strides_a)`.
  static func flatIndices(shape: [Int], strides: [Int], base: Int = 0) -> [Int] {
    let count = shape.reduce(1, *)
    guard count > 0 else { return [] }
    var result = [Int]()
    result.reserveCapacity(count)
    var position = [Int](repeating: 0, count: shape.count)
    var offset = base
    for _ in 0..<count {
      result.append(offset)
      // Odometer step: increment the last axis, carrying into earlier ones.
      var axis = shape.count - 1
      // Wrapping arithmetic: a huge stride (Slice with a huge step on a length-1 axis) is added
      // and removed again in the same step; every offset that is appended is a real index.
      while axis >= 0 {
        position[axis] += 1
        offset &+= strides[axis]
        if position[axis] < shape[axis] { break }
        offset &-= strides[axis] &* shape[axis]
        position[axis] = 0
        axis -= 1
      }
    }
    return result
  }

  /// Numpy-style broadcast shape (ONNX "multidirectional broadcasting", onnx/docs/Broadcasting.md).
  static func broadcastShape(_ shapes: [[Int]]) throws -> [Int] {
    let rank = shapes.map(\.count).max() ?? 0
    var result = [Int](repeating: 1, count: rank)
    for shape in shapes {
      for (axis, dim) in shape.enumerated() {
        let target = axis + rank - shape.count
        if result[target] == 1 {
          result[target] = dim
        } else if dim != 1 && dim != result[target] {
          throw FoldingError("shapes \(shapes.map { $0.description }.joined(separator: " and ")) do not broadcast")
        }
      }
    }
    return result
  }

  /// Source indices into a tensor of `shape` for every element of `outShape` it broadcasts to.
  static func broadcastIndices(from shape: [Int], to outShape: [Int]) -> [Int] {
    let own = strides(of: shape)
    let padding = outShape.count - shape.count
    var broadcastStrides = [Int](repeating: 0, count: outShape.count)
    for axis in shape.indices where shape[axis] != 1 {
      broadcastStrides[axis + padding] = own[axis]
    }
    return flatIndices(shape: outShape, strides: broadcastStrides)
  }
}

extension ONNXConstant {
  /// A tensor of `shape` whose elements are this tensor's elements at `indices`.
  func picking(_ indices: [Int], shape: [Int]) -> ONNXConstant {
    switch storage {
    case .float(let values): return ONNXConstant(shape: shape, floats: indices.map { values[$0] })
    case .int64(let values): return ONNXConstant(shape: shape, int64s: indices.map { values[$0] })
    }
  }

  /// The same values under another shape of the same element count.
  func reshaped(_ shape: [Int]) -> ONNXConstant {
    ONNXConstant(shape: shape, storage: storage)
  }

  /// A 1-D int64 constant.
  static func vector(_ values: [Int]) -> ONNXConstant {
    ONNXConstant(shape: [values.count], int64s: values.map { Int64($0) })
  }

  /// The single value of a scalar or one-element tensor.
  func scalarValue(_ what: String) throws -> ONNXConstant.Storage {
    guard count == 1 else { throw FoldingError("\(what) must hold one value, it has shape \(shape)") }
    return storage
  }
}
