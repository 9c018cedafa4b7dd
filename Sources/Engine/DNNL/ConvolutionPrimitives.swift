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

/// oneDNN convolution primitives (forward inference and backward-data) for one Conv op,
/// created once per input shape and kept, with the weights reordered once into the format
/// each primitive chose (format `any`).
final class ConvolutionPrimitives: @unchecked Sendable {
  private let weights: Tensor          // [M, C/group, kH, kW]
  private let bias: [Float]?
  private let cache = PrimitiveCache()

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

  private func initDescriptor(_ g: ConvolutionGeometry, kind: dnnl_prop_kind_t, src: dnnl_memory_desc_t,
                              weights: dnnl_memory_desc_t, bias: dnnl_memory_desc_t?, dst: dnnl_memory_desc_t)
    throws -> dnnl_convolution_desc_t {
    var desc = dnnl_convolution_desc_t()
    var src = src, weights = weights, dst = dst
    let strides = g.strides.map(Int64.init), dilations = g.dilations.map { Int64($0 - 1) }
    let padL = g.padBegin.map(Int64.init), padR = g.padEnd.map(Int64.init)
    if var bias {
      try DNNLRuntime.check(dnnl_dilated_convolution_forward_desc_init(
        &desc, kind, dnnl_convolution_direct, &src, &weights, &bias, &dst, strides, dilations, padL, padR),
        "describe a convolution \(g.input) -> \(g.output)")
    } else {
      try DNNLRuntime.check(dnnl_dilated_convolution_forward_desc_init(
        &desc, kind, dnnl_convolution_direct, &src, &weights, nil, &dst, strides, dilations, padL, padR),
        "describe a convolution \(g.input) -> \(g.output)")
    }
    return desc
  }

  /// Weights reordered from plain (g)oihw into the format a primitive chose.
  private func prepareWeights(_ chosen: dnnl_memory_desc_t, plain: dnnl_memory_desc_t, key: String) throws -> FloatBuffer {
    let source = FloatBuffer(weights.values)
    if DNNLRuntime.equal(chosen, plain) { return source }
    return try withExtendedLifetime(source) {  // pooled buffer: keep alive while oneDNN reads it
      try Reorder.convert(source.pointer, from: plain, to: chosen, key: "weights:\(key)")
    }
  }

  /// y = conv(x, W) + b (then the post-op, if any), output in the blocked layout.
  func forward(_ x: Value, geometry g: ConvolutionGeometry, postOp: PostOp? = nil) throws -> Value {
    let key = "fwd\(g.input)\(g.sourceLayout)\(postOp.map { "\($0)" } ?? "")"
    let prim = try cache.primitive(key) {
      let d = try descriptors(g, sourceTag: nil, destinationTag: nil)
      var desc = try initDescriptor(g, kind: dnnl_forward_inference, src: d.src, weights: d.weights,
                                    bias: bias == nil ? nil : d.bias, dst: d.dst)
      let attributes = try postOp?.attributes()
      defer { if let attributes { dnnl_primitive_attr_destroy(attributes) } }
      let (pd, primitive) = try withUnsafePointer(to: &desc) {
        try DNNLRuntime.shared.makePrimitive(UnsafeRawPointer($0), attributes: attributes, what: "convolution")
      }
      let made = Primitive(descriptor: pd, primitive: primitive)
      guard let chosen = DNNLRuntime.queried(pd, dnnl_query_weights_md) else { throw EngineError("oneDNN chose no weights format") }
      made.memory = [DNNLArg.src: d.src, DNNLArg.dst: d.dst, DNNLArg.weights: chosen, DNNLArg.bias: d.bias]
      made.prepared[DNNLArg.weights] = try prepareWeights(chosen, plain: d.plainWeights, key: "\(g)")
      if let bias { made.prepared[DNNLArg.bias] = FloatBuffer(bias) }
      return made
    }
    let output = Value(uninitialized: g.output, layout: .blocked16)
    var arguments: [(Int32, dnnl_memory_desc_t, UnsafeMutablePointer<Float>)] = [
      (DNNLArg.src, try prim.memory(DNNLArg.src), x.buffer.pointer),
      (DNNLArg.weights, try prim.memory(DNNLArg.weights), try prim.prepared(DNNLArg.weights).pointer),
      (DNNLArg.dst, try prim.memory(DNNLArg.dst), output.buffer.pointer),
    ]
    if let biasBuffer = prim.prepared[DNNLArg.bias] {
      arguments.append((DNNLArg.bias, try prim.memory(DNNLArg.bias), biasBuffer.pointer))
    }
    try DNNLRuntime.shared.execute(prim.primitive, arguments)
    return output
  }

  /// dL/dx = conv_transpose(dL/dy, W) (backward-data), returned in the input's layout.
  func backwardData(_ dy: Value, geometry g: ConvolutionGeometry) throws -> Value {
    let key = "bwd\(g.input)\(g.sourceLayout)"
    // With a plain source (the RGB image), plain nchw gradients let oneDNN use its GEMM-based
    // backward-data; a blocked diff_dst with a plain diff_src only has the slow reference kernel.
    let gradientLayout: Layout = g.sourceLayout == .plain ? .plain : .blocked16
    let prim = try cache.primitive(key) {
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
      made.prepared[DNNLArg.weights] = try prepareWeights(chosen, plain: d.plainWeights, key: "bwd\(g)")
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
