/// A dense float32 tensor in plain row-major order (NCHW for images and feature maps).
/// This is the engine's public currency: what goes in, and what a trace lookup gives back.
/// Inside a run, activations may live in oneDNN's blocked layout (see `Value`).
public struct Tensor: Sendable, Equatable {
  public var shape: [Int]
  public var values: [Float]

  /// Creates a tensor; `values.count` must equal the product of `shape`.
  public init(shape: [Int], values: [Float]) {
    precondition(shape.reduce(1, *) == values.count, "Tensor: \(values.count) values for shape \(shape)")
    self.shape = shape
    self.values = values
  }

  public init(zeros shape: [Int]) {
    self.shape = shape
    self.values = [Float](repeating: 0, count: shape.reduce(1, *))
  }

  public var count: Int { values.count }
  public var rank: Int { shape.count }

  /// Plain row-major strides of `shape`.
  public static func strides(of shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var running = 1
    for axis in stride(from: shape.count - 1, through: 0, by: -1) {
      strides[axis] = running
      running *= shape[axis]
    }
    return strides
  }

  /// The `index`-th item along the first (batch) axis, keeping a leading 1.
  public func item(_ index: Int) -> Tensor {
    let per = count / max(shape[0], 1)
    var itemShape = shape
    itemShape[0] = 1
    return Tensor(shape: itemShape, values: Array(values[index * per ..< (index + 1) * per]))
  }

  /// The values of each item along the first axis: the rows of a [N, K] score matrix.
  public var rows: [[Float]] {
    let n = shape.first ?? 0, perItem = count / max(n, 1)
    return (0..<n).map { Array(values[$0 * perItem ..< ($0 + 1) * perItem]) }
  }

  /// Stacks tensors of equal shape [1, ...] (or [...]) along a new or existing batch axis.
  public static func batch(_ items: [Tensor]) -> Tensor {
    guard let first = items.first else { return Tensor(zeros: [0]) }
    var shape = first.shape
    let perItem = first.count
    shape[0] = first.shape[0] * items.count
    var values = [Float]()
    values.reserveCapacity(perItem * items.count)
    for item in items { values.append(contentsOf: item.values) }
    return Tensor(shape: shape, values: values)
  }
}
