/// ONNX LayerNormalization (opset 17; Ba et al. 2016): each x[i₀, …, i_{axis−1}, :, …, :] is
/// standardised over the axes from `axis` on (see RowNormalization), then y = x̂·γ + β with γ (scale)
/// and β (optional bias) broadcast to x.shape[axis...]. Optional outputs: Mean and InvStdDev,
/// shaped x.shape[..<axis] + [1, …, 1]. Backward to x through all three outputs (γ, β are weights).
public final class LayerNormalization: Op, ExecutableOp, @unchecked Sendable {
  public let typeName = "LayerNormalization"
  /// A feature normalisation only over the last axis (each token's or position's features); the
  /// rank is not known here, so a positive axis is not one.
  public var traits: OpTraits { axis == -1 ? .featureNormalisation : [] }
  public let axis: Int
  public let epsilon: Float
  public let scale: Tensor
  public let bias: Tensor?
  public let outputCount: Int
  public init(axis: Int = -1, epsilon: Float = 1e-5, scale: Tensor, bias: Tensor?, outputCount: Int = 1) {
    self.axis = axis
    self.epsilon = epsilon
    self.scale = scale
    self.bias = bias
    self.outputCount = outputCount
  }

  public var parameterCount: Int { scale.count + (bias?.count ?? 0) }

  /// (rows, row length, γ and β expanded to one row).
  private func geometry(_ x: [Int]) throws -> (rows: Int, length: Int, gamma: [Float], beta: [Float]?) {
    guard axis >= -x.count && axis < x.count else {
      throw EngineError("LayerNormalization axis \(axis) is out of range for an input of rank \(x.count)")
    }
    let a = axis < 0 ? axis + x.count : axis
    let normalized = Array(x[a...])
    func expanded(_ t: Tensor, _ name: String) throws -> [Float] {
      guard (try? Broadcasting.shape(normalized, t.shape)) == normalized else {
        throw EngineError("LayerNormalization \(name) of shape \(t.shape) does not broadcast to the normalised axes \(normalized)")
      }
      return Broadcasting.offsets(of: t.shape, in: normalized).map { t.values[$0] }
    }
    return (x[..<a].reduce(1, *), normalized.reduce(1, *), try expanded(scale, "scale"), try bias.map { try expanded($0, "bias") })
  }

  public func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
    let x = inputShapes[0]
    _ = try geometry(x)
    let a = axis < 0 ? axis + x.count : axis
    let statistics = Array(x[..<a]) + [Int](repeating: 1, count: x.count - a)
    return [x, statistics, statistics].prefix(outputCount).map { $0 }
  }

  func forward(_ inputs: [Value]) throws -> [Value] {
    let x = try Reorder.value(inputs[0], to: .plain)
    let shapes = try outputShapes([x.shape])
    let (rows, length, gamma, beta) = try geometry(x.shape)
    let (y, mean, inverseStd) = RowNormalization.standardised(x, rows: rows, length: length, epsilon: epsilon)
    let target = y.buffer.pointer
    for row in 0..<rows {  // y = x̂·γ + β
      let base = row * length
      if let beta {
        for j in 0..<length { target[base + j] = target[base + j] * gamma[j] + beta[j] }
      } else {
        for j in 0..<length { target[base + j] *= gamma[j] }
      }
    }
    guard outputCount > 1 else { return [y] }
    let statistics = [Value(Tensor(shape: shapes[1], values: mean)), Value(Tensor(shape: shapes[1], values: inverseStd))]
    return [y] + statistics.prefix(outputCount - 1)
  }

  func backward(_ pass: BackwardPass) throws -> [Value?] {
    guard pass.needsGradient[0], pass.outputGradients.contains(where: { $0 != nil }) else { return [nil] }
    let x = try Reorder.value(pass.inputs[0], to: .plain)
    let (rows, length, gamma, _) = try geometry(x.shape)
    let dy = try pass.outputGradients[0].map { try Reorder.value($0, to: .plain) }
    let statisticGradients = try pass.outputGradients.dropFirst().map { try $0.map { try Reorder.value($0, to: .plain) } }
    defer { withExtendedLifetime((x, dy, statisticGradients)) {} }  // pooled buffers: keep alive while pointers are used
    let (mean, inverseStd) = RowNormalization.statistics(x.buffer.pointer, rows: rows, length: length, epsilon: epsilon)
    let dx = Value(zeros: x.shape)
    if let dy {  // g = ∂L/∂x̂ = dy·γ
      for row in 0..<rows {
        let base = row * length
        for j in 0..<length { dx.buffer.pointer[base + j] = dy.buffer.pointer[base + j] * gamma[j] }
      }
    }
    let dMean = statisticGradients.first ?? nil, dInverseStd = statisticGradients.dropFirst().first ?? nil
    RowNormalization.backward(x.buffer.pointer, gradient: dx.buffer.pointer, mean: mean, inverseStd: inverseStd, length: length,
                              meanGradient: dMean.map { UnsafePointer($0.buffer.pointer) },
                              inverseStdGradient: dInverseStd.map { UnsafePointer($0.buffer.pointer) })
    return [dx]
  }
}
