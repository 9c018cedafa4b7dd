/// ONNX InstanceNormalization (Ulyanov et al. 2016): x [N, C, D1, …] standardised per (n, c) over
/// D1·D2·… (see RowNormalization), then y = x̂·scale[c] + bias[c]. torch exports GroupNorm as
/// Reshape [N, G, −1] → InstanceNormalization (scale 1, bias 0) → Reshape → Mul → Add.
/// Backward to x (scale and bias are weights).
public final class InstanceNormalization: Op, ExecutableOp, @unchecked Sendable {
  public let typeName = "InstanceNormalization"
  /// Per channel over space, not over each position's features: no `featureNormalisation`.
  public let traits: OpTraits = []
  public let scale: [Float]
  public let bias: [Float]
  public let epsilon: Float
  public init(scale: [Float], bias: [Float], epsilon: Float = 1e-5) throws {
    guard scale.count == bias.count else {
      throw EngineError("InstanceNormalization scale (\(scale.count)) and bias (\(bias.count)) differ in length")
    }
    self.scale = scale
    self.bias = bias
    self.epsilon = epsilon
  }

  public var parameterCount: Int { scale.count + bias.count }

  public func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
    let x = inputShapes[0]
    guard x.count >= 3, x[1] == scale.count else {
      throw EngineError("InstanceNormalization expects [N, \(scale.count), D1, ...], got \(x)")
    }
    return [x]
  }

  func forward(_ inputs: [Value]) throws -> [Value] {
    let x = try Reorder.value(inputs[0], to: .plain)
    _ = try outputShapes([x.shape])
    let channels = x.shape[1], rows = x.shape[0] * channels, length = x.shape.dropFirst(2).reduce(1, *)
    let (y, _, _) = RowNormalization.standardised(x, rows: rows, length: length, epsilon: epsilon)
    let target = y.buffer.pointer
    for row in 0..<rows {  // y = x̂·scale[c] + bias[c]
      let s = scale[row % channels], t = bias[row % channels], base = row * length
      for j in 0..<length { target[base + j] = target[base + j] * s + t }
    }
    return [y]
  }

  func backward(_ pass: BackwardPass) throws -> [Value?] {
    guard pass.needsGradient[0], let dyValue = pass.outputGradients[0] else { return [nil] }
    let x = try Reorder.value(pass.inputs[0], to: .plain), dy = try Reorder.value(dyValue, to: .plain)
    let channels = x.shape[1], rows = x.shape[0] * channels, length = x.shape.dropFirst(2).reduce(1, *)
    defer { withExtendedLifetime((x, dy)) {} }  // pooled buffers: keep alive while their pointers are used
    let (mean, inverseStd) = RowNormalization.statistics(x.buffer.pointer, rows: rows, length: length, epsilon: epsilon)
    let dx = Value(uninitialized: x.shape)
    for row in 0..<rows {  // g = ∂L/∂x̂ = dy·scale[c]
      let s = scale[row % channels], base = row * length
      for j in 0..<length { dx.buffer.pointer[base + j] = dy.buffer.pointer[base + j] * s }
    }
    RowNormalization.backward(x.buffer.pointer, gradient: dx.buffer.pointer, mean: mean, inverseStd: inverseStd, length: length)
    return [dx]
  }
}
