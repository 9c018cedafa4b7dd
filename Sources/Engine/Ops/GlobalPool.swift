/// GlobalAveragePool / GlobalMaxPool: [N, C, H, W] -> [N, C, 1, 1], kept in the input's layout so a
/// following 1×1 convolution (squeeze-excitation) needs no reorder. ReduceMean over the spatial
/// axes (what torch's dynamo exporter writes) uses the average form too.
public final class GlobalPool: Op, ExecutableOp, @unchecked Sendable {
  public enum Kind: String, Sendable { case average = "GlobalAveragePool", max = "GlobalMaxPool" }
  public let kind: Kind
  public let typeName: String
  public init(_ kind: Kind, typeName: String? = nil) {
    self.kind = kind
    self.typeName = typeName ?? kind.rawValue
  }
  public var traits: OpTraits { kind == .average ? .globalAveragePool : .globalMaxPool }

  public func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
    let x = inputShapes[0]
    guard x.count == 4 else { throw EngineError("\(typeName) expects a 4-D input, got \(x)") }
    return [[x[0], x[1], 1, 1]]
  }

  func forward(_ inputs: [Value]) throws -> [Value] {
    let x = inputs[0]
    let out = Value(zeros: [x.shape[0], x.shape[1], 1, 1], layout: x.layout)
    let target = out.buffer.pointer, outShape = out.shape, layout = out.layout
    forEachChannel(x.shape, x.layout, x.buffer.pointer) { n, c, pointer, stride, count in
      var accumulator: Float = kind == .average ? 0 : -.infinity
      for i in 0..<count {
        accumulator = kind == .average ? accumulator + pointer[i * stride] : max(accumulator, pointer[i * stride])
      }
      let value = kind == .average ? accumulator / Float(count) : accumulator
      forEachChannelOffset(outShape, layout, n, c) { target[$0] = value }
    }
    return [out]
  }

  /// Average: dx = dy / (H·W) everywhere; max: dy goes to the first maximum of each channel.
  func backward(_ pass: BackwardPass) throws -> [Value?] {
    guard pass.needsGradient[0], let dyValue = pass.outputGradients[0] else { return [nil] }
    let x = pass.inputs[0]
    let dyPlain = try Reorder.value(dyValue, to: .plain)
    let dx = Value(zeros: x.shape, layout: x.layout)
    // Buffers return to a pool when released: keep every value alive while its pointer is used.
    defer { withExtendedLifetime((x, dyPlain, dx)) {} }
    let dy = dyPlain.buffer.pointer, base = x.buffer.pointer, target = dx.buffer.pointer
    forEachChannel(x.shape, x.layout, base) { n, c, pointer, stride, count in
      let g = dy[n * x.shape[1] + c]
      let offset = pointer - base
      if kind == .average {
        for i in 0..<count { target[offset + i * stride] = g / Float(count) }
      } else {
        var best = 0
        for i in 1..<max(count, 1) where pointer[i * stride] > pointer[best * stride] { best = i }
        target[offset + best * stride] = g
      }
    }
    return [dx]
  }
}

/// Calls `body` with the storage offset of element (n, c, 0, 0) of a [N, C, 1, 1] value.
@inline(__always)
func forEachChannelOffset(_ shape: [Int], _ layout: Layout, _ n: Int, _ c: Int, _ body: (Int) -> Void) {
  body(channelOffset(shape, layout, n, c))
}
