/// y = x for x ≥ 0, slope·x otherwise, with a per-channel (or single) learned slope.
public final class PRelu: Op, ExecutableOp, @unchecked Sendable {
  public let typeName = "PRelu"
  public let traits: OpTraits = .pointwise
  public let slope: [Float]   // [C] or [1]
  public init(slope: [Float]) { self.slope = slope }
  public var parameterCount: Int { slope.count }

  public func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
    let x = inputShapes[0]
    guard slope.count == 1 || (x.count >= 2 && x[1] == slope.count) else {
      throw EngineError("PRelu slope has \(slope.count) values for input \(x) (expected 1 or one per channel)")
    }
    return [x]
  }

  private func perChannel(_ x: Value, _ gradient: Value?) throws -> Value {
    let x4 = x.shape.count == 4 ? x : try Reorder.value(x, to: .plain).reshaped(x.shape + [Int](repeating: 1, count: max(0, 4 - x.shape.count)))
    let g = try gradient.map { try Reorder.value($0, to: x4.layout) }
    let out = Value(zeros: x4.shape, layout: x4.layout)
    defer { withExtendedLifetime((x4, g)) {} }  // pooled buffers: keep alive while their pointers are used
    let base = x4.buffer.pointer, target = out.buffer.pointer, gs = g?.buffer.pointer
    forEachChannel(x4.shape, x4.layout, base) { _, c, pointer, stride, count in
      let a = slope.count == 1 ? slope[0] : slope[c], offset = pointer - base
      for i in 0..<count {
        let v = pointer[i * stride]
        if let gs { target[offset + i * stride] = v >= 0 ? gs[offset + i * stride] : a * gs[offset + i * stride] }
        else { target[offset + i * stride] = v >= 0 ? v : a * v }
      }
    }
    return x.shape.count == 4 ? out : out.reshaped(x.shape)
  }

  func forward(_ inputs: [Value]) throws -> [Value] { [try perChannel(inputs[0], nil)] }

  func backward(_ pass: BackwardPass) throws -> [Value?] {
    guard pass.needsGradient[0], let dy = pass.outputGradients[0] else { return [nil] }
    return [try perChannel(pass.inputs[0], dy)]
  }
}
