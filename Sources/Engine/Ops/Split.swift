/// ONNX Split along `axis` into parts of the given sizes (or equal parts). Backward concatenates
/// the incoming gradients, with zeros for outputs that received none.
public final class Split: Op, ExecutableOp, @unchecked Sendable {
  public let typeName = "Split"
  public let traits: OpTraits = []
  public let axis: Int
  public let sizes: [Int]?
  public let parts: Int
  public init(axis: Int, sizes: [Int]?, parts: Int) {
    self.axis = axis
    self.sizes = sizes
    self.parts = parts
  }

  func resolvedSizes(_ shape: [Int]) throws -> [Int] {
    let a = try normalizedAxis(axis, rank: shape.count, op: "Split")
    if let sizes {
      // Sizes come from the file: each is checked against the axis before they are added, so the
      // sum cannot overflow.
      guard sizes.allSatisfy({ 0...shape[a] ~= $0 }), sizes.reduce(0, +) == shape[a] else {
        throw EngineError("Split sizes \(sizes) do not add up to \(shape[a])")
      }
      return sizes
    }
    guard parts > 0 else { throw EngineError("Split needs at least one output") }
    // ONNX (opset 18): the last part may be smaller when the axis does not divide evenly.
    let each = shape[a] / parts + (shape[a] % parts == 0 ? 0 : 1)
    return (0..<parts).map { min(each, max(0, shape[a] - $0 * each)) }
  }

  public func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
    let x = inputShapes[0]
    let a = try normalizedAxis(axis, rank: x.count, op: "Split")
    return try resolvedSizes(x).map { size in
      var shape = x
      shape[a] = size
      return shape
    }
  }

  func forward(_ inputs: [Value]) throws -> [Value] {
    let x = try Reorder.value(inputs[0], to: .plain)
    let a = try normalizedAxis(axis, rank: x.shape.count, op: "Split")
    let outer = x.shape.prefix(a).reduce(1, *), inner = x.shape.suffix(from: a + 1).reduce(1, *)
    var start = 0
    defer { withExtendedLifetime(x) {} }  // pooled buffers: keep alive while their pointers are used
    return try outputShapes([x.shape]).map { shape in
      let out = Value(zeros: shape)
      let run = shape[a] * inner
      for o in 0..<outer {
        (out.buffer.pointer + o * run).update(from: x.buffer.pointer + o * x.shape[a] * inner + start * inner, count: run)
      }
      start += shape[a]
      return out
    }
  }

  func backward(_ pass: BackwardPass) throws -> [Value?] {
    guard pass.needsGradient[0] else { return [nil] }
    let grads = try zip(pass.outputs, pass.outputGradients).map { output, gradient in
      try gradient.map { try Reorder.value($0, to: .plain) } ?? Value(zeros: output.shape)
    }
    return [try Concat(axis: axis).forward(grads)[0]]
  }
}
