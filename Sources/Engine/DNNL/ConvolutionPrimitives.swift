import CDNNL

/// The geometry of a 2-D convolution, resolved for one input shape.
struct ConvolutionGeometry: Hashable {
  var input: [Int]          // [N, C, H, W]
  var output: [Int]         // [N, M, OH, OW]
  var kernel: [Int]         // [kH, kW]
  var strides: [Int]
  var dilations: [Int]      // ONNX convention: 1 = dense
  var padBegin: [Int]
  var padEnd: [Int]
  var group: Int
  var sourceLayout: Layout
}

/// What a convolution primitive is created for: its geometry, direction and fused post-ops.
private struct ConvolutionKey: Hashable {
  enum Direction: Hashable { case forward, backwardData }
  var direction: Direction
  var geometry: ConvolutionGeometry
  var postOps: [PostOp] = []
}

/// The source and destination formats (and algorithm) one attempt at a primitive asks oneDNN for.
private struct ConvolutionFormats {
  var algorithm = dnnl_convolution_direct
  var source: Format
  var destination: Format
}

/// oneDNN convolution primitives (forward inference and backward-data) for one Conv op,
/// created once per input shape and kept, with the weights reordered once into the format
/// each primitive chose (format `any`). Each primitive tries the engine's own layouts first and
/// then lets oneDNN choose (`KernelAudit.firstOptimised`), so no problem lands on reference code
/// while an optimised kernel exists for some layout; values are reordered in and out where needed.
final class ConvolutionPrimitives: @unchecked Sendable {
  private let weights: Tensor          // [M, C/group, kH, kW]
  private let bias: [Float]?
  private let cache = PrimitiveCache<ConvolutionKey>()
  /// Convolutions whose primitives compute this one's backward-data (`transposed`, `phaseSplit`), made on first use.
  private enum Rewrite: Hashable { case transposed, phaseSplit }
  private var rewrites: [Rewrite: ConvolutionPrimitives] = [:]
  private let rewritesLock = Lock()

  init(weights: Tensor, bias: [Float]?) {
    self.weights = weights
    self.bias = bias
  }

  /// Weight descriptors: `any` (oneDNN chooses) and the plain (g)oihw the op holds.
  private func weightDescriptors(_ g: ConvolutionGeometry) throws -> (any: dnnl_memory_desc_t, plain: dnnl_memory_desc_t) {
    let m = weights.shape[0]
    let dims = g.group == 1 ? weights.shape : [g.group, m / g.group] + weights.shape.dropFirst()
    return (try DNNLRuntime.descriptor(dims, dnnl_format_tag_any), try DNNLRuntime.descriptor(dims, g.group == 1 ? dnnl_oihw : dnnl_goihw))
  }

  private func opDescriptor(_ g: ConvolutionGeometry, kind: dnnl_prop_kind_t, formats: ConvolutionFormats, weights: dnnl_memory_desc_t,
                            withBias: Bool) throws -> dnnl_convolution_desc_t {
    var desc = dnnl_convolution_desc_t()
    var src = try formats.source.descriptor(g.input), dst = try formats.destination.descriptor(g.output), weights = weights
    var biasDesc = try DNNLRuntime.descriptor([self.weights.shape[0]], dnnl_a)
    let strides = g.strides.map(Int64.init), dilations = g.dilations.map { Int64($0 - 1) }
    let padL = g.padBegin.map(Int64.init), padR = g.padEnd.map(Int64.init)
    let status = withBias
      ? dnnl_dilated_convolution_forward_desc_init(&desc, kind, formats.algorithm, &src, &weights, &biasDesc, &dst, strides, dilations, padL, padR)
      : dnnl_dilated_convolution_forward_desc_init(&desc, kind, formats.algorithm, &src, &weights, nil, &dst, strides, dilations, padL, padR)
    try DNNLRuntime.check(status, "describe a convolution \(g.input) -> \(g.output)")
    return desc
  }

  /// Weights reordered from plain (g)oihw into the format a primitive chose.
  private func prepareWeights(_ chosen: dnnl_memory_desc_t, plain: dnnl_memory_desc_t) throws -> FloatBuffer {
    let source = FloatBuffer(weights.values)
    if DNNLRuntime.equal(chosen, plain) { return source }
    return try withExtendedLifetime(source) {  // pooled buffer: keep alive while oneDNN reads it
      try Reorder.convert(source.pointer, from: plain, to: chosen)
    }
  }

  /// Dense 3×3 stride-1 convolutions over whole channel blocks run Winograd F(4×4, 3×3) or
  /// F(2×2, 3×3) (Lavin & Gray 2016): 2-3× fewer multiplications, measured 1.3-3× faster than direct
  /// at batch 1 (ResNet's 3×3 layers), with errors of a few ulp per output (float32 transforms).
  /// oneDNN 2.6 implements it for AVX-512 only; elsewhere the direct kernels run without asking.
  /// Forward, and backward-data through `transposed(_:)`.
  private func prefersWinograd(_ g: ConvolutionGeometry) -> Bool {
    guard DNNLRuntime.usesAVX512Core, let width = g.sourceLayout.blockWidth, width == 16 else { return false }
    return g.group == 1 && g.kernel == [3, 3] && g.strides == [1, 1] && g.dilations == [1, 1]
      && g.input[1] % width == 0 && g.output[1] % width == 0 && g.padBegin.allSatisfy { $0 <= 1 } && g.padEnd.allSatisfy { $0 <= 1 }
  }

  /// Forward formats, best first: the engine's layouts (the source as it arrives, the output in the
  /// native blocked layout), then oneDNN's own choice under `any`, then plain (oneDNN's GEMM kernels).
  /// oneDNN 2.6 has only reference code for some channel counts in blocked form (5 -> 7 channels on
  /// AVX-512, counts off the block under SSE4.1), which the later candidates cover.
  private func forwardCandidates(_ g: ConvolutionGeometry) -> [ConvolutionFormats] {
    var candidates: [ConvolutionFormats] = []
    if prefersWinograd(g) {
      candidates.append(ConvolutionFormats(algorithm: dnnl_convolution_winograd, source: .layout(g.sourceLayout), destination: .layout(.native)))
    }
    candidates.append(ConvolutionFormats(source: .layout(g.sourceLayout), destination: .layout(.native)))
    candidates.append(ConvolutionFormats(source: .any, destination: .any))
    candidates.append(ConvolutionFormats(source: .layout(.plain), destination: .layout(.plain)))
    return candidates
  }

  private func makeForward(_ g: ConvolutionGeometry, postOps: [PostOp]) throws -> Primitive {
    let (anyWeights, plainWeights) = try weightDescriptors(g)
    let attributes = postOps.isEmpty ? nil : try PostOp.attributes(postOps)
    defer { if let attributes { dnnl_primitive_attr_destroy(attributes) } }
    let (_, pd) = try KernelAudit.firstOptimised(forwardCandidates(g), describe: "convolution forward \(g.input) -> \(g.output)") { formats in
      var desc = try opDescriptor(g, kind: dnnl_forward_inference, formats: formats, weights: anyWeights, withBias: bias != nil)
      return try withUnsafePointer(to: &desc) {
        try DNNLRuntime.shared.primitiveDescriptor(UnsafeRawPointer($0), attributes: attributes, what: "convolution")
      }
    }
    let prim = try DNNLRuntime.shared.primitive(from: pd, what: "convolution")
    try prim.adopt(DNNLArg.src, dnnl_query_src_md, shape: g.input)
    try prim.adopt(DNNLArg.dst, dnnl_query_dst_md, shape: g.output)
    try prim.adopt(DNNLArg.weights, dnnl_query_weights_md)
    prim.prepared[DNNLArg.weights] = try prepareWeights(try prim.memory(DNNLArg.weights), plain: plainWeights)
    if let bias {
      prim.memory[DNNLArg.bias] = try DNNLRuntime.descriptor([bias.count], dnnl_a)
      prim.prepared[DNNLArg.bias] = FloatBuffer(bias)
    }
    return prim
  }

  /// The cached forward-inference primitive for `g` with `postOps`.
  private func forwardPrimitive(_ g: ConvolutionGeometry, postOps: [PostOp]) throws -> Primitive {
    try cache.primitive(ConvolutionKey(direction: .forward, geometry: g, postOps: postOps)) { try makeForward(g, postOps: postOps) }
  }

  /// y = conv(x, W) + b, then the post-ops; the output in the native blocked layout (reordered there
  /// when only a kernel on another layout exists: activations between primitives stay in one layout).
  /// With `.sum` among the post-ops, `accumulator` ([N, M, OH, OW]) holds the residual; its buffer
  /// becomes the output when it is in the primitive's format already.
  func forward(_ x: Value, geometry g: ConvolutionGeometry, postOps: [PostOp] = [], accumulator: Value? = nil) throws -> Value {
    let prim = try forwardPrimitive(g, postOps: postOps)
    let source = try prim.input(DNNLArg.src, from: x)
    let output: FloatBuffer
    if postOps.contains(.sum) {
      guard let accumulator, accumulator.shape == g.output else { throw EngineError("a fused residual sum needs a \(g.output) accumulator") }
      output = try prim.input(DNNLArg.dst, from: accumulator)
    } else {
      output = FloatBuffer(uninitializedCount: DNNLRuntime.size(of: try prim.memory(DNNLArg.dst)))
    }
    var arguments: [(Int32, dnnl_memory_desc_t, UnsafeMutablePointer<Float>)] = [
      (DNNLArg.src, try prim.memory(DNNLArg.src), source.pointer),
      (DNNLArg.weights, try prim.memory(DNNLArg.weights), try prim.prepared(DNNLArg.weights).pointer),
      (DNNLArg.dst, try prim.memory(DNNLArg.dst), output.pointer),
    ]
    if let biasBuffer = prim.prepared[DNNLArg.bias] {
      arguments.append((DNNLArg.bias, try prim.memory(DNNLArg.bias), biasBuffer.pointer))
    }
    try withExtendedLifetime((x, source, accumulator)) { try DNNLRuntime.shared.execute(prim.primitive, arguments) }
    return try prim.output(DNNLArg.dst, output, shape: g.output, as: .native)
  }

  /// oneDNN's name for the forward kernel it runs on `g` (e.g. "jit_wino_4x3:avx512_core"), for tests and profiles.
  func forwardImplementation(_ g: ConvolutionGeometry, postOps: [PostOp] = []) throws -> String {
    DNNLRuntime.implementationName(try forwardPrimitive(g, postOps: postOps).descriptor)
  }

  /// Backward-data of a dense stride-1 convolution is a dense stride-1 convolution of dL/dy:
  /// dx[n, c, h, w] = Σ_{m,i,j} W̃[c, m, i, j] · dy[n, m, h − pb' + i, w − pb' + j] with the weights
  /// transposed and flipped, W̃[c, m, i, j] = W[m, c, kH − 1 − i, kW − 1 − j], and pads k − 1 − pad
  /// (1 for ResNet's 3 × 3 pad-1 layers). Where Winograd runs forward on both, backward-data runs as
  /// that forward primitive, its weights transformed once when it is made, unless
  /// `prefersWinogradBackward` holds.
  private func transposed(_ g: ConvolutionGeometry) -> (ConvolutionPrimitives, ConvolutionGeometry)? {
    guard prefersWinograd(g), !prefersWinogradBackward(g) else { return nil }
    let k = g.kernel
    let gT = ConvolutionGeometry(input: g.output, output: g.input, kernel: k, strides: [1, 1], dilations: [1, 1],
                                 padBegin: zip(k, g.padBegin).map { $0 - 1 - $1 }, padEnd: zip(k, g.padEnd).map { $0 - 1 - $1 },
                                 group: 1, sourceLayout: .native)
    guard prefersWinograd(gT) else { return nil }
    return (rewritten(.transposed) { Self.transposedFlipped(weights) }, gT)
  }

  /// W̃ [C, M, kH, kW] from W [M, C, kH, kW]: W̃[c, m, i, j] = W[m, c, kH − 1 − i, kW − 1 − j].
  private static func transposedFlipped(_ w: Tensor) -> Tensor {
    let (m, c, kh, kw) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
    var flipped = [Float](repeating: 0, count: w.count)
    for out in 0..<m {
      for channel in 0..<c {
        for i in 0..<kh {
          for j in 0..<kw {
            flipped[((channel * m + out) * kh + i) * kw + j] = w.values[((out * c + channel) * kh + (kh - 1 - i)) * kw + (kw - 1 - j)]
          }
        }
      }
    }
    return Tensor(shape: [c, m, kh, kw], values: flipped)
  }

  /// Backward-data of a strided convolution over a few-channel plain input through its phases
  /// (`PhaseSplit`), on AVX2 and up, where oneDNN has blocked jit backward-data kernels.
  private func phaseSplit(_ g: ConvolutionGeometry) -> (ConvolutionPrimitives, PhaseSplit)? {
    guard DNNLRuntime.usesAVX2, g.sourceLayout == .plain, g.group == 1, g.dilations == [1, 1],
          g.strides.contains(where: { $0 > 1 }) else { return nil }
    let split = PhaseSplit(kernel: g.kernel, strides: g.strides)
    return (rewritten(.phaseSplit) { split.weights(weights) }, split)
  }

  private func rewritten(_ rewrite: Rewrite, weights make: () -> Tensor) -> ConvolutionPrimitives {
    rewritesLock.withLock {
      if let known = rewrites[rewrite] { return known }
      let made = ConvolutionPrimitives(weights: make(), bias: nil)
      rewrites[rewrite] = made
      return made
    }
  }

  /// Backward-data formats, best first. Each backward primitive chooses its own layouts instead of
  /// inheriting the forward's: with 8-channel blocks oneDNN 2.6 has an optimised backward-data kernel
  /// for dense convolutions only on AVX2 and up; under `any` it picks GEMM on plain NCHW on AVX and
  /// SSE4.1. With a plain source (the RGB image), plain gradients give the GEMM-based kernel, the
  /// fastest there (a blocked diff_dst with a plain diff_src has only the reference kernel). A blocked
  /// or NHWC diff_src (3 channels padded to the block) was tried for the stems: on AVX-512 oneDNN's jit
  /// kernel took 63-65 ms for ResNet-18's 7×7/2 stem at batch 16, against 29 ms for `gemm:jit` plus 4 ms
  /// to reorder dL/dy to plain; on AVX2 only reference code takes those layouts.
  private func backwardCandidates(_ g: ConvolutionGeometry) -> [ConvolutionFormats] {
    let plain = ConvolutionFormats(source: .layout(.plain), destination: .layout(.plain))
    let chosen = ConvolutionFormats(source: .any, destination: .any)
    if g.sourceLayout == .plain { return [plain, chosen] }
    let winograd = prefersWinogradBackward(g)
      ? [ConvolutionFormats(algorithm: dnnl_convolution_winograd, source: .layout(g.sourceLayout), destination: .layout(.native))] : []
    return winograd + [chosen, ConvolutionFormats(source: .layout(g.sourceLayout), destination: .layout(.native)), plain]
  }

  /// oneDNN 2.6's own Winograd backward-data transforms the weights on every call, a cost of C·M
  /// against the transposed forward's (`transposed`), whose weights are transformed once; it pays
  /// where a call has at least C·M / 2 output positions (N·OH·OW). ResNet-18 natively, ms per call,
  /// oneDNN backward-data / transposed forward (N·OH·OW against C·M / 2): batch 1, 64 ch at 56×56
  /// 0.43 / 0.46 (3136 ≥ 2048), 128 at 28×28 0.73 / 0.46, 256 at 14×14 0.74 (direct) / 0.49,
  /// 512 at 7×7 0.92 (direct) / 0.85; batch 16, 64 at 56×56 5.5 / 6.0 (50176 ≥ 2048), 128 at
  /// 28×28 4.6 / 4.7 (12544 ≥ 8192), 256 at 14×14 6.2 / 5.8 (3136 < 32768), 512 at 7×7 8.8 / 6.7.
  private func prefersWinogradBackward(_ g: ConvolutionGeometry) -> Bool {
    prefersWinograd(g) && 2 * g.output[0] * g.output[2] * g.output[3] >= g.input[1] * g.output[1]
  }

  private func makeBackwardData(_ g: ConvolutionGeometry) throws -> Primitive {
    let (anyWeights, plainWeights) = try weightDescriptors(g)
    let runtime = DNNLRuntime.shared
    let (_, pd) = try KernelAudit.firstOptimised(backwardCandidates(g), describe: "convolution backward-data \(g.output) -> \(g.input)") { formats in
      // oneDNN wants a forward (training) descriptor of the same formats as a hint for backward-data.
      var forwardDesc = try opDescriptor(g, kind: dnnl_forward_training, formats: formats, weights: anyWeights, withBias: false)
      let hint = try withUnsafePointer(to: &forwardDesc) { try runtime.primitiveDescriptor(UnsafeRawPointer($0), what: "convolution (training)") }
      defer { dnnl_primitive_desc_destroy(hint) }
      var desc = dnnl_convolution_desc_t()
      var diffSrc = try formats.source.descriptor(g.input), diffDst = try formats.destination.descriptor(g.output), weights = anyWeights
      try DNNLRuntime.check(dnnl_dilated_convolution_backward_data_desc_init(
        &desc, formats.algorithm, &diffSrc, &weights, &diffDst,
        g.strides.map(Int64.init), g.dilations.map { Int64($0 - 1) }, g.padBegin.map(Int64.init), g.padEnd.map(Int64.init)),
        "describe a convolution backward-data \(g.output) -> \(g.input)")
      return try withUnsafePointer(to: &desc) { try runtime.primitiveDescriptor(UnsafeRawPointer($0), hint: hint, what: "convolution backward-data") }
    }
    let prim = try runtime.primitive(from: pd, what: "convolution backward-data")
    try prim.adopt(DNNLArg.diffSrc, dnnl_query_diff_src_md, shape: g.input)
    try prim.adopt(DNNLArg.diffDst, dnnl_query_diff_dst_md, shape: g.output)
    try prim.adopt(DNNLArg.weights, dnnl_query_weights_md)
    prim.prepared[DNNLArg.weights] = try prepareWeights(try prim.memory(DNNLArg.weights), plain: plainWeights)
    return prim
  }

  private func backwardDataPrimitive(_ g: ConvolutionGeometry) throws -> Primitive {
    try cache.primitive(ConvolutionKey(direction: .backwardData, geometry: g)) { try makeBackwardData(g) }
  }

  /// oneDNN's name for the backward-data kernel it runs on `g`, for tests and profiles.
  func backwardDataImplementation(_ g: ConvolutionGeometry) throws -> String {
    if let (forward, gT) = transposed(g) { return try forward.forwardImplementation(gT) }
    if let (phases, split) = phaseSplit(g) { return try phases.backwardDataImplementation(split.geometry(g)) }
    return DNNLRuntime.implementationName(try backwardDataPrimitive(g).descriptor)
  }

  /// dL/dx = conv_transpose(dL/dy, W) (backward-data), in the primitive's layout when the engine holds
  /// values in it, else in the input's layout.
  func backwardData(_ dy: Value, geometry g: ConvolutionGeometry) throws -> Value {
    if let (forward, gT) = transposed(g) { return try forward.forward(dy, geometry: gT) }
    if let (phases, split) = phaseSplit(g) {
      return try split.inputGradient(try phases.backwardData(dy, geometry: split.geometry(g)), geometry: g)
    }
    let prim = try backwardDataPrimitive(g)
    let diffDst = try prim.input(DNNLArg.diffDst, from: dy)
    let dx = FloatBuffer(uninitializedCount: DNNLRuntime.size(of: try prim.memory(DNNLArg.diffSrc)))
    try withExtendedLifetime((dy, diffDst)) {  // pooled buffers: keep alive while their pointers are used
      try DNNLRuntime.shared.execute(prim.primitive, [
        (DNNLArg.diffDst, try prim.memory(DNNLArg.diffDst), diffDst.pointer),
        (DNNLArg.weights, try prim.memory(DNNLArg.weights), try prim.prepared(DNNLArg.weights).pointer),
        (DNNLArg.diffSrc, try prim.memory(DNNLArg.diffSrc), dx.pointer),
      ])
    }
    return try prim.output(DNNLArg.diffSrc, dx, shape: g.input, as: prim.layouts[DNNLArg.diffSrc] ?? g.sourceLayout)
  }
}
