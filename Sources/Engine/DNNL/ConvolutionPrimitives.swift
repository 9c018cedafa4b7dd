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

/// oneDNN convolution primitives (forward inference and backward-data) for one Conv op,
/// created once per input shape and kept, with the weights reordered once into the format
/// each primitive chose (format `any`).
final class ConvolutionPrimitives: @unchecked Sendable {
  private let weights: Tensor          // [M, C/group, kH, kW]
  private let bias: [Float]?
  private let cache = PrimitiveCache<ConvolutionKey>()

  init(weights: Tensor, bias: [Float]?) {
    self.weights = weights
    self.bias = bias
  }

  private func descriptors(_ g: ConvolutionGeometry, sourceTag: dnnl_format_tag_t?, destinationTag: dnnl_format_tag_t?)
    throws -> (src: dnnl_memory_desc_t, weights: dnnl_memory_desc_t, bias: dnnl_memory_desc_t, dst: dnnl_memory_desc_t, plainWeights: dnnl_memory_desc_t) {
    let src = try sourceTag.map { try DNNLRuntime.descriptor(g.input, $0) }
      ?? DNNLRuntime.descriptor(g.input, layout: g.sourceLayout)
    let dst = try DNNLRuntime.descriptor(g.output, destinationTag ?? dnnl_nChw16c)
    let m = weights.shape[0]
    let weightDims = g.group == 1 ? weights.shape : [g.group, m / g.group] + weights.shape.dropFirst()
    let anyWeights = try DNNLRuntime.descriptor(weightDims, dnnl_format_tag_any)
    let plainWeights = try DNNLRuntime.descriptor(weightDims, g.group == 1 ? dnnl_oihw : dnnl_goihw)
    let biasDesc = try DNNLRuntime.descriptor([m], dnnl_a)
    return (src, anyWeights, biasDesc, dst, plainWeights)
  }

  private func initDescriptor(_ g: ConvolutionGeometry, kind: dnnl_prop_kind_t, algorithm: dnnl_alg_kind_t = dnnl_convolution_direct,
                              src: dnnl_memory_desc_t, weights: dnnl_memory_desc_t, bias: dnnl_memory_desc_t?, dst: dnnl_memory_desc_t)
    throws -> dnnl_convolution_desc_t {
    var desc = dnnl_convolution_desc_t()
    var src = src, weights = weights, dst = dst
    let strides = g.strides.map(Int64.init), dilations = g.dilations.map { Int64($0 - 1) }
    let padL = g.padBegin.map(Int64.init), padR = g.padEnd.map(Int64.init)
    if var bias {
      try DNNLRuntime.check(dnnl_dilated_convolution_forward_desc_init(
        &desc, kind, algorithm, &src, &weights, &bias, &dst, strides, dilations, padL, padR),
        "describe a convolution \(g.input) -> \(g.output)")
    } else {
      try DNNLRuntime.check(dnnl_dilated_convolution_forward_desc_init(
        &desc, kind, algorithm, &src, &weights, nil, &dst, strides, dilations, padL, padR),
        "describe a convolution \(g.input) -> \(g.output)")
    }
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

  /// Dense 3×3 stride-1 convolutions over whole 16-channel blocks run Winograd F(4×4, 3×3) or
  /// F(2×2, 3×3) (Lavin & Gray 2016): 2-3× fewer multiplications, measured 1.3-3× faster than direct
  /// here at batch 1 (ResNet's 3×3 layers), with errors of a few ulp per output (float32 transforms).
  /// Forward inference only; gradients use the direct backward-data kernels.
  private func prefersWinograd(_ g: ConvolutionGeometry) -> Bool {
    g.group == 1 && g.kernel == [3, 3] && g.strides == [1, 1] && g.dilations == [1, 1] && g.sourceLayout == .blocked16
      && g.input[1] % 16 == 0 && g.output[1] % 16 == 0 && g.padBegin.allSatisfy { $0 <= 1 } && g.padEnd.allSatisfy { $0 <= 1 }
  }

  /// The forward-inference primitive: Winograd where it applies and oneDNN implements it, else direct.
  private func makeForward(_ g: ConvolutionGeometry, postOps: [PostOp]) throws -> Primitive {
    let d = try descriptors(g, sourceTag: nil, destinationTag: nil)
    let attributes = postOps.isEmpty ? nil : try PostOp.attributes(postOps)
    defer { if let attributes { dnnl_primitive_attr_destroy(attributes) } }
    var made: (dnnl_primitive_desc_t, dnnl_primitive_t)?
    for algorithm in prefersWinograd(g) ? [dnnl_convolution_winograd, dnnl_convolution_direct] : [dnnl_convolution_direct] {
      var desc = try initDescriptor(g, kind: dnnl_forward_inference, algorithm: algorithm, src: d.src, weights: d.weights,
                                    bias: bias == nil ? nil : d.bias, dst: d.dst)
      let isLast = algorithm == dnnl_convolution_direct
      do {
        made = try withUnsafePointer(to: &desc) {
          try DNNLRuntime.shared.makePrimitive(UnsafeRawPointer($0), attributes: attributes, what: "convolution")
        }
        break
      } catch where !isLast {
        continue  // this oneDNN build has no Winograd kernel for the shape or post-ops: use direct
      }
    }
    guard let (pd, primitive) = made else { throw EngineError("oneDNN made no convolution primitive for \(g.input) -> \(g.output)") }
    let prim = Primitive(descriptor: pd, primitive: primitive)
    guard let chosen = DNNLRuntime.queried(pd, dnnl_query_weights_md) else { throw EngineError("oneDNN chose no weights format") }
    prim.memory = [DNNLArg.src: d.src, DNNLArg.dst: d.dst, DNNLArg.weights: chosen, DNNLArg.bias: d.bias]
    prim.prepared[DNNLArg.weights] = try prepareWeights(chosen, plain: d.plainWeights)
    if let bias { prim.prepared[DNNLArg.bias] = FloatBuffer(bias) }
    return prim
  }

  /// The cached forward-inference primitive for `g` with `postOps`.
  private func forwardPrimitive(_ g: ConvolutionGeometry, postOps: [PostOp]) throws -> Primitive {
    try cache.primitive(ConvolutionKey(direction: .forward, geometry: g, postOps: postOps)) { try makeForward(g, postOps: postOps) }
  }

  /// y = conv(x, W) + b, then the post-ops, output in the blocked layout. With `.sum` among the
  /// post-ops, `accumulator` holds the residual (same shape, blocked) and is overwritten with the result.
  func forward(_ x: Value, geometry g: ConvolutionGeometry, postOps: [PostOp] = [], accumulator: Value? = nil) throws -> Value {
    let prim = try forwardPrimitive(g, postOps: postOps)
    let output: Value
    if postOps.contains(.sum) {
      guard let accumulator, accumulator.shape == g.output, accumulator.layout == .blocked16 else {
        throw EngineError("a fused residual sum needs a blocked \(g.output) accumulator")
      }
      output = accumulator
    } else {
      output = Value(uninitialized: g.output, layout: .blocked16)
    }
    var arguments: [(Int32, dnnl_memory_desc_t, UnsafeMutablePointer<Float>)] = [
      (DNNLArg.src, try prim.memory(DNNLArg.src), x.buffer.pointer),
      (DNNLArg.weights, try prim.memory(DNNLArg.weights), try prim.prepared(DNNLArg.weights).pointer),
      (DNNLArg.dst, try prim.memory(DNNLArg.dst), output.buffer.pointer),
    ]
    if let biasBuffer = prim.prepared[DNNLArg.bias] {
      arguments.append((DNNLArg.bias, try prim.memory(DNNLArg.bias), biasBuffer.pointer))
    }
    try withExtendedLifetime(x) { try DNNLRuntime.shared.execute(prim.primitive, arguments) }
    return output
  }

  /// oneDNN's name for the forward kernel it runs on `g` (e.g. "jit_wino_4x3:avx512_core"), for tests and profiles.
  func forwardImplementation(_ g: ConvolutionGeometry, postOps: [PostOp] = []) throws -> String {
    DNNLRuntime.implementationName(try forwardPrimitive(g, postOps: postOps).descriptor)
  }

  /// dL/dx = conv_transpose(dL/dy, W) (backward-data), returned in the input's layout.
  func backwardData(_ dy: Value, geometry g: ConvolutionGeometry) throws -> Value {
    // With a plain source (the RGB image), plain nchw gradients let oneDNN use its GEMM-based
    // backward-data; a blocked diff_dst with a plain diff_src only has the slow reference kernel.
    let gradientLayout: Layout = g.sourceLayout == .plain ? .plain : .blocked16
    let prim = try cache.primitive(ConvolutionKey(direction: .backwardData, geometry: g)) {
      let d = try descriptors(g, sourceTag: nil, destinationTag: gradientLayout == .plain ? dnnl_nchw : nil)
      // oneDNN wants the forward (training) descriptor as a hint for backward-data.
      var forwardDesc = try initDescriptor(g, kind: dnnl_forward_training, src: d.src, weights: d.weights, bias: nil, dst: d.dst)
      let (hint, _) = try withUnsafePointer(to: &forwardDesc) {
        try DNNLRuntime.shared.makePrimitive(UnsafeRawPointer($0), what: "convolution (training)")
      }
      var desc = dnnl_convolution_desc_t()
      var diffSrc = d.src, weights = d.weights, diffDst = d.dst
      try DNNLRuntime.check(dnnl_dilated_convolution_backward_data_desc_init(
        &desc, dnnl_convolution_direct, &diffSrc, &weights, &diffDst,
        g.strides.map(Int64.init), g.dilations.map { Int64($0 - 1) }, g.padBegin.map(Int64.init), g.padEnd.map(Int64.init)),
        "describe a convolution backward-data \(g.output) -> \(g.input)")
      let (pd, primitive) = try withUnsafePointer(to: &desc) {
        try DNNLRuntime.shared.makePrimitive(UnsafeRawPointer($0), hint: hint, what: "convolution backward-data")
      }
      let made = Primitive(descriptor: pd, primitive: primitive)
      guard let chosen = DNNLRuntime.queried(pd, dnnl_query_weights_md) else { throw EngineError("oneDNN chose no weights format") }
      made.memory = [DNNLArg.diffSrc: d.src, DNNLArg.diffDst: d.dst, DNNLArg.weights: chosen]
      made.prepared[DNNLArg.weights] = try prepareWeights(chosen, plain: d.plainWeights)
      return made
    }
    let dyBlocked = try Reorder.value(dy, to: gradientLayout)
    defer { withExtendedLifetime(dyBlocked) {} }  // pooled buffers: keep alive while their pointers are used
    let dx = Value(uninitialized: g.input, layout: g.sourceLayout)
    try DNNLRuntime.shared.execute(prim.primitive, [
      (DNNLArg.diffDst, try prim.memory(DNNLArg.diffDst), dyBlocked.buffer.pointer),
      (DNNLArg.weights, try prim.memory(DNNLArg.weights), try prim.prepared(DNNLArg.weights).pointer),
      (DNNLArg.diffSrc, try prim.memory(DNNLArg.diffSrc), dx.buffer.pointer),
    ])
    return dx
  }
}
