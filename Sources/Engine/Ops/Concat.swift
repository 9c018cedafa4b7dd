/// ONNX Concat along `axis`. Backward: each input gets its slice of the gradient.
/// Beyond ONNX: a size-1 dimension outside the axis broadcasts to the others' size. A class token
/// expanded to the batch is folded at load time at the declared batch ([1, 1, C]); broadcasting lets
/// it join the tokens of any batch ([N, T, C]), and the gradient sums over the copies. Shapes ONNX
/// allows are unaffected.
public final class Concat: Op, ExecutableOp, @unchecked Sendable {
  public let typeName = "Concat"
  public let traits: OpTraits = []
  public let axis: Int
  public init(axis: Int) { self.axis = axis }

  public func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
    guard let first = inputShapes.first else { throw EngineError("Concat needs at least one input") }
    let a = try normalizedAxis(axis, rank: first.count, op: "Concat")
    var out = first
    for shape in inputShapes {
      guard shape.count == first.count else { throw EngineError("Concat inputs \(inputShapes) differ in rank") }
      for i in 0..<shape.count where i != a && shape[i] != out[i] {
        guard shape[i] == 1 || out[i] == 1 else { throw EngineError("Concat inputs \(inputShapes) differ outside axis \(axis)") }
        out[i] = max(out[i], shape[i])
      }
    }
    out[a] = inputShapes.reduce(0) { $0 + $1[a] }
    return [out]
  }

  /// `shape` with the output's dimensions outside the axis (what a broadcast input is expanded to).
  private func expandedShape(_ shape: [Int], output: [Int], axis a: Int) -> [Int] {
    var expanded = output
    expanded[a] = shape[a]
    return expanded
  }

  /// (outer, inner) block sizes: `outer` runs of `shape[axis] · inner` contiguous floats.
  private func blocks(_ shape: [Int], _ a: Int) -> (outer: Int, run: Int) {
    (shape.prefix(a).reduce(1, *), shape.suffix(from: a).reduce(1, *))
  }

  func forward(_ inputs: [Value]) throws -> [Value] {
    var plain = try inputs.map { try Reorder.value($0, to: .plain) }
    let outShape = try outputShapes(plain.map(\.shape))[0]
    let a = try normalizedAxis(axis, rank: outShape.count, op: "Concat")
    for (i, x) in plain.enumerated() {
      let expanded = expandedShape(x.shape, output: outShape, axis: a)
      if expanded != x.shape { plain[i] = GatherMap.gather(x, map: Broadcasting.offsets(of: x.shape, in: expanded), shape: expanded) }
    }
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
      let expanded = expandedShape(x.shape, output: dy.shape, axis: a)
      let (_, run) = blocks(expanded, a)
      if pass.needsGradient[position] {
        let dx = Value(zeros: expanded)
        for o in 0..<outer { (dx.buffer.pointer + o * run).update(from: dy.buffer.pointer + o * outRun + start, count: run) }
        grads.append(expanded == x.shape ? dx : withExtendedLifetime(dx) {
          Broadcasting.reduce(dx.buffer.pointer, outShape: expanded, to: x.shape)
        })
      } else {
        grads.append(nil)
      }
      start += run
    }
    return grads
  }
}
