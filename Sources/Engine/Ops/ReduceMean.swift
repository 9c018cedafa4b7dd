/// ONNX ReduceMean over `axes` (all axes when nil), keeping reduced axes as size 1 when `keepDims`.
/// The spatial mean of a 4-D tensor (torch's dynamo export of global average pooling) runs as
/// GlobalAveragePool on the blocked layout. Backward spreads dy / (number reduced) back.
public final class ReduceMean: Op, ExecutableOp, @unchecked Sendable {
  public let typeName = "ReduceMean"
  public let axes: [Int]?
  public let keepDims: Bool
  private let spatialMean = GlobalPool(.average, typeName: "ReduceMean")
  public init(axes: [Int]?, keepDims: Bool) {
    self.axes = axes
    self.keepDims = keepDims
  }
  /// Over the spatial axes of [N, C, H, W] (axes {2, 3} or {−2, −1}): global average pooling.
  public var traits: OpTraits {
    guard let axes, Set(axes) == [2, 3] || Set(axes) == [-2, -1] else { return [] }
    return .globalAveragePool
  }

  func resolved(_ shape: [Int]) throws -> [Int] {
    try Set((axes ?? Array(0..<shape.count)).map { try normalizedAxis($0, rank: shape.count, op: "ReduceMean") }).sorted()
  }

  func keptShape(_ shape: [Int]) throws -> [Int] {
    let reduced = try resolved(shape)
    return shape.enumerated().map { reduced.contains($0.offset) ? 1 : $0.element }
  }

  public func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
    let x = inputShapes[0], reduced = try resolved(x)
    return [keepDims ? try keptShape(x) : x.enumerated().filter { !reduced.contains($0.offset) }.map(\.element)]
  }

  private func isSpatial(_ shape: [Int]) throws -> Bool {
    guard shape.count == 4 else { return false }
    return try resolved(shape) == [2, 3]
  }

  func forward(_ inputs: [Value]) throws -> [Value] {
    let x = inputs[0]
    let outShape = try outputShapes([x.shape])[0]
    if try isSpatial(x.shape) {
      let pooled = try spatialMean.forward([x])[0]
      return [keepDims ? pooled : try Reorder.value(pooled, to: .plain).reshaped(outShape)]
    }
    let plain = try Reorder.value(x, to: .plain)
    let kept = try keptShape(x.shape)
    defer { withExtendedLifetime(plain) {} }  // pooled buffers: keep alive while their pointers are used
    let summed = Broadcasting.reduce(plain.buffer.pointer, outShape: x.shape, to: kept)
    let scale = Float(kept.reduce(1, *)) / Float(max(x.count, 1))
    return [Elementwise.map(summed) { $0 * scale }.reshaped(outShape)]
  }

  func backward(_ pass: BackwardPass) throws -> [Value?] {
    guard pass.needsGradient[0], let dyValue = pass.outputGradients[0] else { return [nil] }
    let x = pass.inputs[0]
    let kept = try keptShape(x.shape)
    if try isSpatial(x.shape) {
      let dy = keepDims ? dyValue : try Reorder.value(dyValue, to: .plain).reshaped(kept)
      return try spatialMean.backward(BackwardPass(inputs: [x], outputs: [pass.outputs[0]], outputGradients: [dy],
                                                   needsGradient: [true], rule: pass.rule))
    }
    let dy = try Reorder.value(dyValue, to: .plain).reshaped(kept)
    let scale = Float(kept.reduce(1, *)) / Float(max(x.count, 1))
    let offsets = Broadcasting.offsets(of: kept, in: x.shape)
    let dx = Value(zeros: x.shape)
    defer { withExtendedLifetime(dy) {} }  // pooled buffers: keep alive while their pointers are used
    for i in 0..<offsets.count { dx.buffer.pointer[i] = dy.buffer.pointer[offsets[i]] * scale }
    return [dx]
  }
}
