import Foundation

/// ONNX ReduceMean / ReduceSum / ReduceMax / ReduceMin / ReduceL1 / ReduceL2 / ReduceSumSquare over
/// `axes` (all axes when nil), keeping reduced axes as size 1 when `keepDims`. One class: they differ
/// in how a group of values g is folded and in ∂out/∂gᵢ:
///   mean Σg/n (1/n), sum Σg (1), max/min (1 at the extreme, split evenly on ties, as torch.amax),
///   L1 Σ|g| (sign gᵢ), L2 √Σg² (gᵢ / out, 0 where out = 0), sum-square Σg² (2gᵢ).
/// The spatial mean or max of a 4-D tensor (torch's dynamo export of global pooling) runs as
/// GlobalAveragePool / GlobalMaxPool on the input's layout.
public class Reduce: Op, ExecutableOp, @unchecked Sendable {
  public enum Kind: String, Sendable {
    case mean = "ReduceMean", sum = "ReduceSum", max = "ReduceMax", min = "ReduceMin"
    case l1 = "ReduceL1", l2 = "ReduceL2", sumSquare = "ReduceSumSquare"
  }
  public let kind: Kind
  public let axes: [Int]?
  public let keepDims: Bool
  public var typeName: String { kind.rawValue }
  /// ReduceMean / ReduceMax over the spatial axes of [N, C, H, W] (axes {2, 3} or {−2, −1}): global
  /// average / max pooling. Every other reduction: none.
  public var traits: OpTraits {
    guard let axes, Set(axes) == [2, 3] || Set(axes) == [-2, -1] else { return [] }
    switch kind {
    case .mean: return .globalAveragePool
    case .max: return .globalMaxPool
    default: return []
    }
  }
  private let spatialPool: GlobalPool?

  public init(_ kind: Kind, axes: [Int]?, keepDims: Bool) {
    self.kind = kind
    self.axes = axes
    self.keepDims = keepDims
    switch kind {
    case .mean: spatialPool = GlobalPool(.average, typeName: kind.rawValue)
    case .max: spatialPool = GlobalPool(.max, typeName: kind.rawValue)
    default: spatialPool = nil
    }
  }

  func resolved(_ shape: [Int]) throws -> [Int] {
    try Set((axes ?? Array(0..<shape.count)).map { try normalizedAxis($0, rank: shape.count, op: typeName) }).sorted()
  }

  func keptShape(_ shape: [Int]) throws -> [Int] {
    let reduced = try resolved(shape)
    return shape.enumerated().map { reduced.contains($0.offset) ? 1 : $0.element }
  }

  public func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
    let x = inputShapes[0], reduced = try resolved(x)
    return [keepDims ? try keptShape(x) : x.enumerated().filter { !reduced.contains($0.offset) }.map(\.element)]
  }

  private func usesSpatialPool(_ shape: [Int]) throws -> Bool {
    guard spatialPool != nil, shape.count == 4 else { return false }
    return try resolved(shape) == [2, 3]
  }

  func forward(_ inputs: [Value]) throws -> [Value] {
    let x = inputs[0]
    let outShape = try outputShapes([x.shape])[0]
    if try usesSpatialPool(x.shape), let pool = spatialPool {
      let pooled = try pool.forward([x])[0]
      return [keepDims ? pooled : try Reorder.value(pooled, to: .plain).reshaped(outShape)]
    }
    let plain = try Reorder.value(x, to: .plain)
    let kept = try keptShape(x.shape)
    let groups = Broadcasting.offsets(of: kept, in: x.shape)  // input element -> its output element
    let out = Value(zeros: kept)
    defer { withExtendedLifetime(plain) {} }  // pooled buffers: keep alive while their pointers are used
    let source = plain.buffer.pointer, target = out.buffer.pointer
    switch kind {
    case .max, .min:
      for o in 0..<out.count { target[o] = kind == .max ? -.infinity : .infinity }
      for i in 0..<groups.count {
        target[groups[i]] = kind == .max ? Swift.max(target[groups[i]], source[i]) : Swift.min(target[groups[i]], source[i])
      }
    case .mean, .sum:
      for i in 0..<groups.count { target[groups[i]] += source[i] }
    case .l1:
      for i in 0..<groups.count { target[groups[i]] += abs(source[i]) }
    case .l2, .sumSquare:
      for i in 0..<groups.count { target[groups[i]] += source[i] * source[i] }
    }
    let n = Float(Swift.max(x.count, 1)) / Float(Swift.max(out.count, 1))
    if kind == .mean { for o in 0..<out.count { target[o] /= n } }
    if kind == .l2 { for o in 0..<out.count { target[o] = target[o].squareRoot() } }
    return [out.reshaped(outShape)]
  }

  func backward(_ pass: BackwardPass) throws -> [Value?] {
    guard pass.needsGradient[0], let dyValue = pass.outputGradients[0] else { return [nil] }
    let x = pass.inputs[0]
    let kept = try keptShape(x.shape)
    if try usesSpatialPool(x.shape), let pool = spatialPool {
      let dy = keepDims ? dyValue : try Reorder.value(dyValue, to: .plain).reshaped(kept)
      let y = keepDims ? pass.outputs[0] : try Reorder.value(pass.outputs[0], to: .plain).reshaped(kept)
      return try pool.backward(BackwardPass(inputs: [x], outputs: [y], outputGradients: [dy],
                                            needsGradient: [true], rule: pass.rule))
    }
    let plain = try Reorder.value(x, to: .plain)
    let dy = try Reorder.value(dyValue, to: .plain), y = try Reorder.value(pass.outputs[0], to: .plain)
    let groups = Broadcasting.offsets(of: kept, in: x.shape)
    let n = Float(Swift.max(x.count, 1)) / Float(Swift.max(y.count, 1))
    let dx = Value(zeros: x.shape)
    defer { withExtendedLifetime((plain, dy, y)) {} }  // pooled buffers: keep alive while their pointers are used
    let source = plain.buffer.pointer, g = dy.buffer.pointer, out = y.buffer.pointer, target = dx.buffer.pointer
    switch kind {
    case .mean: for i in 0..<groups.count { target[i] = g[groups[i]] / n }
    case .sum: for i in 0..<groups.count { target[i] = g[groups[i]] }
    case .l1: for i in 0..<groups.count { target[i] = source[i] > 0 ? g[groups[i]] : (source[i] < 0 ? -g[groups[i]] : 0) }
    case .l2: for i in 0..<groups.count { let o = out[groups[i]]; target[i] = o > 0 ? g[groups[i]] * source[i] / o : 0 }
    case .sumSquare: for i in 0..<groups.count { target[i] = 2 * source[i] * g[groups[i]] }
    case .max, .min:
      var ties = [Float](repeating: 0, count: y.count)
      for i in 0..<groups.count where source[i] == out[groups[i]] { ties[groups[i]] += 1 }
      for i in 0..<groups.count where source[i] == out[groups[i]] { target[i] = g[groups[i]] / ties[groups[i]] }
    }
    return [dx]
  }
}

/// ReduceMean, the form torch writes for `x.mean(dims)` and global average pooling; its own class so
/// that methods can recognise a spatial mean (`axes`) without comparing op names.
public final class ReduceMean: Reduce, @unchecked Sendable {
  public init(axes: [Int]?, keepDims: Bool) { super.init(.mean, axes: axes, keepDims: keepDims) }
}
