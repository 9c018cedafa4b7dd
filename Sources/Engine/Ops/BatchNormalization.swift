import Foundation

/// BatchNormalization at inference: y = γ (x − μ) / √(σ² + ε) + β, i.e. the per-channel affine map
/// y = s·x + t with s = γ/√(σ² + ε), t = β − μ·s. Backward: dx = s·dy.
public final class BatchNormalization: Op, ExecutableOp, @unchecked Sendable {
  public let typeName = "BatchNormalization"
  public let traits: OpTraits = .pointwise
  public let scale: [Float]
  public let shift: [Float]

  public init(gamma: [Float], beta: [Float], mean: [Float], variance: [Float], epsilon: Float = 1e-5) throws {
    let c = gamma.count
    guard beta.count == c, mean.count == c, variance.count == c else {
      throw EngineError("BatchNormalization parameters differ in length (\(c), \(beta.count), \(mean.count), \(variance.count))")
    }
    scale = (0..<c).map { gamma[$0] / (variance[$0] + epsilon).squareRoot() }
    shift = (0..<c).map { beta[$0] - mean[$0] * gamma[$0] / (variance[$0] + epsilon).squareRoot() }
  }

  public var parameterCount: Int { scale.count * 4 }

  public func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
    let x = inputShapes[0]
    guard x.count >= 2, x[1] == scale.count else {
      throw EngineError("input \(x) does not have \(scale.count) channels on axis 1")
    }
    return [x]
  }

  private func affine(_ x: Value, scale: [Float], shift: [Float]?) throws -> Value {
    let x4 = x.shape.count == 4 ? x : try Reorder.value(x, to: .plain).reshaped(x.shape + [Int](repeating: 1, count: 4 - x.shape.count))
    let out = Value(zeros: x4.shape, layout: x4.layout)
    defer { withExtendedLifetime(x4) {} }  // pooled buffers: keep alive while their pointers are used
    let base = x4.buffer.pointer, target = out.buffer.pointer
    forEachChannel(x4.shape, x4.layout, base) { _, c, pointer, stride, count in
      let s = scale[c], t = shift?[c] ?? 0, offset = pointer - base
      for i in 0..<count { target[offset + i * stride] = s * pointer[i * stride] + t }
    }
    return x.shape.count == 4 ? out : out.reshaped(x.shape)
  }

  func forward(_ inputs: [Value]) throws -> [Value] { [try affine(inputs[0], scale: scale, shift: shift)] }

  func backward(_ pass: BackwardPass) throws -> [Value?] {
    guard pass.needsGradient[0], let dy = pass.outputGradients[0] else { return [nil] }
    return [try affine(try Reorder.value(dy, to: pass.inputs[0].layout), scale: scale, shift: nil)]
  }
}
