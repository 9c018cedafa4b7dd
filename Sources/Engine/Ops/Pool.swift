import CDNNL

/// MaxPool and AveragePool (ONNX): kernel, strides, pads, auto_pad, dilations, ceil_mode and
/// count_include_pad, on oneDNN pooling primitives. One class: the two differ in the algorithm.
public final class Pool: Op, WindowedOp, StatefulForward, @unchecked Sendable {
  public enum Kind: String, Sendable { case max = "MaxPool", average = "AveragePool" }
  public let kind: Kind
  public var typeName: String { kind.rawValue }
  public let traits: OpTraits = []
  public let ceilMode: Bool
  public let countIncludePad: Bool
  /// Kernel, strides, dilations and padding; padded positions count as −∞ (max) or not at all (average).
  private let slidingWindow: SlidingWindow
  private let primitives: PoolingPrimitives

  public init(kind: Kind, kernel: [Int], strides: [Int]?, dilations: [Int]? = nil,
              padding: SlidingWindow.Padding = .explicit(begin: [0, 0], end: [0, 0]), ceilMode: Bool = false,
              countIncludePad: Bool = false) throws {
    guard kernel.count == 2, kernel.allSatisfy({ $0 >= 1 }) else {
      throw EngineError("only 2-D pooling is supported (kernel \(kernel))")
    }
    self.kind = kind
    self.slidingWindow = try SlidingWindow(kernel: kernel, strides: strides ?? [1, 1], dilations: dilations ?? [1, 1],
                                       padding: padding, paddingValue: kind == .max ? -.infinity : nil)
    self.ceilMode = ceilMode
    self.countIncludePad = countIncludePad
    // Average pooling always runs as "exclude padding"; count_include_pad is a per-position
    // rescaling (see `includePadScale`), which also covers ceil_mode windows past the pads.
    let algorithm = kind == .max ? dnnl_pooling_max : dnnl_pooling_avg_exclude_padding
    self.primitives = PoolingPrimitives(algorithm: algorithm)
  }

  public var window: SlidingWindow? { slidingWindow }
  public var kernel: [Int] { slidingWindow.kernel }
  public var strides: [Int] { slidingWindow.strides }
  public var dilations: [Int] { slidingWindow.dilations }
  public var padding: SlidingWindow.Padding { slidingWindow.padding }

  /// The same pooling without padding or ceil-mode overhang (incremental runs crop −∞-filled inputs).
  func withoutPadding() throws -> any ExecutableOp {
    try Pool(kind: kind, kernel: kernel, strides: strides, dilations: dilations, padding: .explicit(begin: [0, 0], end: [0, 0]),
             ceilMode: false, countIncludePad: countIncludePad)
  }

  func geometry(_ input: [Int], layout: Layout) throws -> PoolingGeometry {
    guard input.count == 4 else { throw EngineError("\(typeName) expects a 4-D input, got \(input)") }
    let spatial = [input[2], input[3]]
    let (begin, end) = slidingWindow.pads(for: spatial)
    guard let size = slidingWindow.outputSize(for: spatial, ceilMode: ceilMode) else {
      throw EngineError("\(typeName) kernel \(kernel) is larger than the padded input \(input)")
    }
    // ceil_mode: the last window may run past the end pad; oneDNN takes that overhang as extra end padding.
    let extent = slidingWindow.extent
    var padEnd = end
    for axis in 0..<2 {
      let reach = (size[axis] - 1) * strides[axis] + extent[axis]  // input span the windows cover, from the first pad
      padEnd[axis] += max(0, reach - spatial[axis] - begin[axis] - end[axis])
    }
    return PoolingGeometry(input: input, output: [input[0], input[1]] + size, kernel: kernel, strides: strides,
                           dilations: dilations, padBegin: begin, padEnd: padEnd, layout: layout)
  }

  public func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
    [try geometry(inputShapes[0], layout: .plain).output]
  }

  /// oneDNN runs dilated pooling only in its reference loops: those windows take `DilatedPooling`.
  private var isDilated: Bool { dilations.contains { $0 > 1 } }

  /// Few-channel plain inputs stay plain; everything else runs in the native blocked layout (unless
  /// oneDNN has an optimised kernel only in the other one: `PoolingPrimitives.resolved`).
  private func geometry(for x: Value) throws -> PoolingGeometry {
    if isDilated { return try geometry(x.shape, layout: .plain) }
    return try primitives.resolved(try geometry(x.shape, layout: x.layout == .plain && x.shape[1] <= 4 ? .plain : .native))
  }

  func forward(_ inputs: [Value]) throws -> [Value] {
    let g = try geometry(for: inputs[0])
    let y = isDilated
      ? try DilatedPooling.forward(inputs[0], geometry: g, max: kind == .max)
      : try primitives.forward(try Reorder.value(inputs[0], to: g.layout), geometry: g).0
    return [includePadScale(g).map { scaled(y, by: $0) } ?? y]
  }

  /// Gradient runs: max pooling runs oneDNN's training forward once and keeps its arg-max workspace
  /// (`PoolingWorkspace`) for the backward, instead of a second forward there. Same arg-max: the
  /// first maximum of each window.
  func forwardKeepingState(_ inputs: [Value]) throws -> (outputs: [Value], state: AnyObject?) {
    guard kind == .max, !isDilated else { return (try forward(inputs), nil) }
    let g = try geometry(for: inputs[0])
    let (y, workspace) = try primitives.forward(try Reorder.value(inputs[0], to: g.layout), geometry: g, training: true)
    return ([y], workspace.map { PoolingWorkspace(geometry: g, buffer: $0) })
  }

  func backward(_ pass: BackwardPass) throws -> [Value?] {
    guard pass.needsGradient[0], let dyValue = pass.outputGradients[0] else { return [nil] }
    let g = try geometry(for: pass.inputs[0])
    let dy = try Reorder.value(dyValue, to: g.layout)
    let scaledDy = includePadScale(g).map { scaled(dy, by: $0) } ?? dy
    if isDilated { return [try DilatedPooling.backward(pass.inputs[0], scaledDy, geometry: g, max: kind == .max)] }
    if let kept = pass.state as? PoolingWorkspace, kept.geometry == g {
      return [try primitives.backward(scaledDy, geometry: g, workspace: kept.buffer)]
    }
    return [try primitives.backward(try Reorder.value(pass.inputs[0], to: g.layout), scaledDy, geometry: g)]
  }

  /// For count_include_pad: per output position, (real elements in the window) / (window size
  /// counting the declared pads but not the ceil_mode overhang), as PyTorch and onnxruntime divide.
  func includePadScale(_ g: PoolingGeometry) -> [Float]? {
    guard kind == .average, countIncludePad else { return nil }
    let (oh, ow) = (g.output[2], g.output[3])
    let declaredEnd = zip(g.padEnd, geometryExtraEnd(g)).map { $0 - $1 }
    // Taps of the (dilated) window inside the input, and inside the input plus its declared pads.
    func counts(_ axis: Int, _ o: Int) -> (valid: Int, divisor: Int) {
      let size = g.input[axis + 2], start = o * g.strides[axis] - g.padBegin[axis]
      let taps = (0..<g.kernel[axis]).map { start + $0 * g.dilations[axis] }
      return (taps.filter { $0 >= 0 && $0 < size }.count,
              taps.filter { $0 >= -g.padBegin[axis] && $0 < size + declaredEnd[axis] }.count)
    }
    var scale = [Float](repeating: 1, count: oh * ow)
    for i in 0..<oh {
      let rows = counts(0, i)
      for j in 0..<ow {
        let columns = counts(1, j)
        scale[i * ow + j] = Float(rows.valid * columns.valid) / Float(max(rows.divisor * columns.divisor, 1))
      }
    }
    return scale
  }

  /// The ceil_mode overhang included in `g.padEnd` beyond the declared pads.
  private func geometryExtraEnd(_ g: PoolingGeometry) -> [Int] {
    (0..<2).map { axis in
      let declared: Int
      switch padding {
      case .explicit(_, let end): declared = end[axis]
      default: declared = g.padEnd[axis]
      }
      return g.padEnd[axis] - declared
    }
  }

  /// value · scale[h, w] for every item and channel.
  private func scaled(_ value: Value, by scale: [Float]) -> Value {
    let out = Value(zeros: value.shape, layout: value.layout)
    let base = value.buffer.pointer, target = out.buffer.pointer
    forEachChannel(value.shape, value.layout, base) { _, _, pointer, stride, count in
      let offset = pointer - base
      for i in 0..<count { target[offset + i * stride] = pointer[i * stride] * scale[i] }
    }
    return out
  }
}

/// What a max pooling's training forward recorded for its backward: the arg-max of each window
/// (oneDNN's workspace, in the format of the primitive for `geometry`).
final class PoolingWorkspace: @unchecked Sendable {
  let geometry: PoolingGeometry
  let buffer: FloatBuffer
  init(geometry: PoolingGeometry, buffer: FloatBuffer) {
    self.geometry = geometry
    self.buffer = buffer
  }
}
