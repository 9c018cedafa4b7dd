/// ONNX ScatterND(data, indices, updates) with constant indices [..., k]: a copy of data where each
/// index tuple (first k axes, negative from the end) receives its slice of `updates`
/// (updates.shape = indices.shape[..<-1] + data.shape[k...]); reduction `none` (replace, later
/// tuples win) or `add`. The node reads [data, updates] (the indices are held by the op). Backward: data gets dy except at replaced positions (reduction none);
/// updates get dy gathered at their positions. Never through the indices.
/// `perItem`: the indices were traced at batch 1 with the batch as their first coordinate (always 0,
/// indices.shape[0] = 1, MViTv2's slice assignment into attention scores); for data of batch n they
/// repeat n times, item b with first coordinate b.
public final class ScatterND: Op, ExecutableOp, @unchecked Sendable {
  public let traits: OpTraits = []
  public enum Reduction: String, Sendable { case none, add }
  public let typeName = "ScatterND"
  public let indices: [Int]
  public let indicesShape: [Int]
  public let reduction: Reduction
  public let perItem: Bool
  public init(indices: [Int], indicesShape: [Int], reduction: Reduction = .none, perItem: Bool = false) {
    self.indices = indices
    self.indicesShape = indicesShape
    self.reduction = reduction
    self.perItem = perItem
  }

  /// The index tuples and their shape for data of `shape`.
  private func effectiveIndices(_ data: [Int]) -> (values: [Int], shape: [Int]) {
    guard perItem, let k = indicesShape.last, k >= 1, !data.isEmpty, data[0] != 1 else { return (indices, indicesShape) }
    var values: [Int] = []
    values.reserveCapacity(indices.count * data[0])
    for item in 0..<data[0] {
      for (i, index) in indices.enumerated() { values.append(i % k == 0 ? item : index) }
    }
    var shape = indicesShape
    shape[0] = data[0]
    return (values, shape)
  }

  public func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
    let data = inputShapes[0], updates = inputShapes[1]
    let indicesShape = effectiveIndices(data).shape
    guard let k = indicesShape.last, k <= data.count else {
      throw EngineError("ScatterND indices of shape \(indicesShape) do not fit data of shape \(data)")
    }
    let expected = Array(indicesShape.dropLast()) + Array(data[k...])
    guard updates == expected else { throw EngineError("ScatterND updates have shape \(updates), expected \(expected)") }
    return [data]
  }

  /// For each update element, the flat offset in data it writes.
  func targets(_ data: [Int]) throws -> [Int] {
    let (indices, indicesShape) = effectiveIndices(data)
    guard let k = indicesShape.last else { return [] }
    let strides = Tensor.strides(of: data), slice = data[k...].reduce(1, *)
    var result: [Int] = []
    for tuple in 0..<(k == 0 ? 0 : indices.count / k) {
      var base = 0
      for axis in 0..<k {
        let index = indices[tuple * k + axis]
        guard index >= -data[axis], index < data[axis] else {
          throw EngineError("ScatterND index \(index) is out of range for axis \(axis) of size \(data[axis])")
        }
        base += (index < 0 ? index + data[axis] : index) * strides[axis]
      }
      result.append(contentsOf: base..<(base + slice))
    }
    return result
  }

  func forward(_ inputs: [Value]) throws -> [Value] {
    let data = try Reorder.value(inputs[0], to: .plain), updates = try Reorder.value(inputs[1], to: .plain)
    _ = try outputShapes([data.shape, updates.shape])
    let positions = try targets(data.shape)
    let out = Value(uninitialized: data.shape)
    defer { withExtendedLifetime((data, updates)) {} }  // pooled buffers: keep alive while their pointers are used
    out.buffer.pointer.update(from: data.buffer.pointer, count: data.count)
    for (i, position) in positions.enumerated() {
      let u = updates.buffer.pointer[i]
      out.buffer.pointer[position] = reduction == .add ? out.buffer.pointer[position] + u : u
    }
    return [out]
  }

  func backward(_ pass: BackwardPass) throws -> [Value?] {
    guard let dyValue = pass.outputGradients[0] else { return [nil, nil] }
    let dy = try Reorder.value(dyValue, to: .plain)
    let positions = try targets(pass.inputs[0].shape)
    defer { withExtendedLifetime(dy) {} }  // pooled buffers: keep alive while their pointers are used
    var grads: [Value?] = [nil, nil]
    if pass.needsGradient[0] {
      let dData = Value(uninitialized: dy.shape)
      dData.buffer.pointer.update(from: dy.buffer.pointer, count: dy.count)
      if reduction == .none { for position in positions { dData.buffer.pointer[position] = 0 } }
      grads[0] = dData
    }
    if pass.needsGradient[1] {
      // With `none`, an update overwritten by a later tuple at the same position reaches nothing.
      var winner = [Int: Int]()
      if reduction == .none { for (i, position) in positions.enumerated() { winner[position] = i } }
      let dUpdates = Value(uninitialized: pass.inputs[1].shape)
      for (i, position) in positions.enumerated() {
        dUpdates.buffer.pointer[i] = reduction == .none && winner[position] != i ? 0 : dy.buffer.pointer[position]
      }
      grads[1] = dUpdates
    }
    return grads
  }
}
