/// ONNX Concat along `axis`. Backward: each input gets its slice of the gradient.
public final class Concat: Op, ExecutableOp, @unchecked Sendable {
  public let typeName = "Concat"
  public let traits: OpTraits = []
  public let axis: Int
  public init(axis: Int) { self.axis = axis }

  public func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
    guard let first = inputShapes.first else { throw EngineError("Concat needs at least one input") }
    let a = try normalizedAxis(axis, rank: first.count, op: "Concat")
    var out = first
    out[a] = 0
    for shape in inputShapes {
      guard shape.count == first.count, (0..<shape.count).allSatisfy({ $0 == a || shape[$0] == first[$0] }) else {
        throw EngineError("Concat inputs \(inputShapes) differ outside axis \(axis)")
      }
      out[a] += shape[a]
    }
    return [out]
  }

  /// (outer, inner) block sizes: `outer` runs of `shape[axis] · inner` contiguous floats.
  private func blocks(_ shape: [Int], _ a: Int) -> (outer: Int, run: Int) {
    (shape.prefix(a).reduce(1, *), shape.suffix(from: a).reduce(1, *))
  }

  func forward(_ inputs: [Value]) throws -> [Value] {
    let plain = try inputs.map { try Reorder.value($0, to: .plain) }
    let outShape = try outputShapes(plain.map(\.shape))[0]
    let a = try normalizedAxis(axis, rank: outShape.count, op: "Concat")
    let out = Value(zeros: outShape)
    let (outer, outRun) = blocks(outShape, a)
    var start = 0
    defer { withExtendedLifetime(plain) {} }  // pooled buffers: keep alive while their pointers are used
    for x in plain {
      let (_, run) = blocks(x.shape, a)
      for o in 0..<outer {
        (out.buffer.pointer + o * outRun + start).update(from: x.buffer.pointer + o * run, count: run)
      }
      start += run
    }
    return [out]
  }

  func backward(_ pass: BackwardPass) throws -> [Value?] {
    guard let dyValue = pass.outputGradients[0] else { return pass.inputs.map { _ in nil } }
    let dy = try Reorder.value(dyValue, to: .plain)
    let a = try normalizedAxis(axis, rank: dy.shape.count, op: "Concat")
    let (outer, outRun) = blocks(dy.shape, a)
    defer { withExtendedLifetime(dy) {} }  // pooled buffers: keep alive while their pointers are used
    var start = 0
    var grads: [Value?] = []
    for (position, x) in pass.inputs.enumerated() {
      let (_, run) = blocks(x.shape, a)
      if pass.needsGradient[position] {
        let dx = Value(zeros: x.shape)
        for o in 0..<outer { (dx.buffer.pointer + o * run).update(from: dy.buffer.pointer + o * outRun + start, count: run) }
        grads.append(dx)
      } else {
        grads.append(nil)
      }
      start += run
    }
    return grads
  }
}
