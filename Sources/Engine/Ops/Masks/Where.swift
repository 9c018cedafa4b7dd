/// ONNX Where(condition, x, y) with three-way broadcasting: out = condition ≠ 0 ? x : y, the masked
/// fill of `masked_fill` and of attention masks. Backward: dy flows to the chosen branch only,
/// dx = reduce(1[c] · dy), dy_y = reduce(1[¬c] · dy); never to the condition.
public final class Where: Op, ExecutableOp, @unchecked Sendable {
  public let typeName = "Where"
  public let traits: OpTraits = .pointwise
  public init() {}

  public func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
    [try Broadcasting.shape(Broadcasting.shape(inputShapes[0], inputShapes[1]), inputShapes[2])]
  }

  /// Plain operands and, for each output element, its offset in each of them.
  private func layout(_ inputs: [Value]) throws -> (plain: [Value], offsets: [[Int]], shape: [Int]) {
    let plain = try inputs.map { try Reorder.value($0, to: .plain) }
    let shape = try outputShapes(plain.map(\.shape))[0]
    return (plain, plain.map { Broadcasting.offsets(of: $0.shape, in: shape) }, shape)
  }

  func forward(_ inputs: [Value]) throws -> [Value] {
    let (plain, offsets, shape) = try layout(inputs)
    let out = Value(uninitialized: shape)
    defer { withExtendedLifetime(plain) {} }  // pooled buffers: keep alive while their pointers are used
    let c = plain[0].buffer.pointer, x = plain[1].buffer.pointer, y = plain[2].buffer.pointer
    for i in 0..<out.count {
      out.buffer.pointer[i] = c[offsets[0][i]] != 0 ? x[offsets[1][i]] : y[offsets[2][i]]
    }
    return [out]
  }

  func backward(_ pass: BackwardPass) throws -> [Value?] {
    guard let dyValue = pass.outputGradients[0] else { return [nil, nil, nil] }
    let (plain, offsets, shape) = try layout(pass.inputs)
    let dy = try Reorder.value(dyValue, to: .plain)
    defer { withExtendedLifetime((plain, dy)) {} }  // pooled buffers: keep alive while their pointers are used
    let c = plain[0].buffer.pointer, g = dy.buffer.pointer
    var grads: [Value?] = [nil, nil, nil]
    for branch in 1...2 where pass.needsGradient[branch] {
      let chosen = branch == 1
      grads[branch] = Broadcasting.operandGradient(outShape: shape, to: plain[branch].shape) { i in
        (c[offsets[0][i]] != 0) == chosen ? g[i] : 0
      }
    }
    return grads
  }
}
