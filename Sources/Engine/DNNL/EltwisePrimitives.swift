import CDNNL

/// oneDNN element-wise primitives for the backward of ReLU-like units, in place on the gradient:
/// dx = 1[low < y < high] · g with the mask from the output y (`*_use_dst_for_bwd`), and relu(g) for
/// the guided and deconvnet rules. They run on oneDNN's OpenMP threads (the Swift loops run on one).
/// Cached per (algorithm, bounds, shape, layout), for the life of the process.
enum EltwisePrimitives {
  private struct Key: Hashable {
    enum Kind: Hashable { case reluForward, reluBackward, clipBackward(low: Float, high: Float) }
    var kind: Kind
    var shape: [Int]
    var layout: Layout
  }
  private static let cache = PrimitiveCache<Key>()

  /// dx ← 1[low < y < high] · g (ReLU when low = 0, high = +∞); `dx` may be `g` itself (in place).
  /// All three of one shape and layout.
  static func maskFromOutput(y: Value, gradient g: Value, into dx: Value, low: Float, high: Float) throws {
    let kind: Key.Kind = low == 0 && high == .infinity ? .reluBackward : .clipBackward(low: low, high: high)
    let desc = try descriptor(y, g, dx)
    let prim = try cache.primitive(Key(kind: kind, shape: y.shape, layout: y.layout)) { try make(kind, desc) }
    try withExtendedLifetime((y, g, dx)) {  // pooled buffers: keep alive while their pointers are used
      try DNNLRuntime.shared.execute(prim.primitive, [
        (DNNLArg.dst, desc, y.buffer.pointer), (DNNLArg.diffDst, desc, g.buffer.pointer), (DNNLArg.diffSrc, desc, dx.buffer.pointer),
      ])
    }
  }

  /// dx ← max(g, 0); `dx` may be `g` itself.
  static func positivePart(_ g: Value, into dx: Value) throws {
    let desc = try descriptor(g, g, dx)
    let prim = try cache.primitive(Key(kind: .reluForward, shape: g.shape, layout: g.layout)) { try make(.reluForward, desc) }
    try withExtendedLifetime((g, dx)) {
      try DNNLRuntime.shared.execute(prim.primitive, [(DNNLArg.src, desc, g.buffer.pointer), (DNNLArg.dst, desc, dx.buffer.pointer)])
    }
  }

  /// The one descriptor of three values that must agree in shape, layout and storage size.
  private static func descriptor(_ a: Value, _ b: Value, _ c: Value) throws -> dnnl_memory_desc_t {
    guard a.shape == b.shape, b.shape == c.shape, a.layout == b.layout, b.layout == c.layout,
          a.buffer.count == b.buffer.count, b.buffer.count == c.buffer.count else {
      throw EngineError("element-wise gradient operands differ: \(a.shape), \(b.shape), \(c.shape)")
    }
    let desc = try DNNLRuntime.descriptor(a.shape, layout: a.layout)
    guard DNNLRuntime.size(of: desc) <= a.buffer.count else { throw EngineError("element-wise gradient buffer too small for \(a.shape)") }
    return desc
  }

  private static func shape(_ desc: dnnl_memory_desc_t) -> [Int] {
    withUnsafeBytes(of: desc.dims) { Array($0.bindMemory(to: Int64.self).prefix(Int(desc.ndims))).map(Int.init) }
  }

  private static func make(_ kind: Key.Kind, _ desc: dnnl_memory_desc_t) throws -> Primitive {
    let runtime = DNNLRuntime.shared
    var data = desc
    let (algorithm, alpha, beta): (dnnl_alg_kind_t, Float, Float)
    switch kind {
    case .reluForward, .reluBackward: (algorithm, alpha, beta) = (dnnl_eltwise_relu_use_dst_for_bwd, 0, 0)
    case .clipBackward(let low, let high): (algorithm, alpha, beta) = (dnnl_eltwise_clip_v2_use_dst_for_bwd, low, high)
    }
    var forward = dnnl_eltwise_desc_t()
    try DNNLRuntime.check(dnnl_eltwise_forward_desc_init(&forward, kind == .reluForward ? dnnl_forward_inference : dnnl_forward_training,
                                                         kind == .reluForward ? dnnl_eltwise_relu : algorithm, &data, alpha, beta),
                          "describe an eltwise forward")
    let forwardPD = try withUnsafePointer(to: &forward) { try runtime.primitiveDescriptor(UnsafeRawPointer($0), what: "eltwise") }
    if kind == .reluForward {
      // Through the kernel audit (one candidate) so that reference code is recorded; a backward's
      // forward hint never runs, so only the backward is audited.
      if KernelAudit.isReference(DNNLRuntime.implementationName(forwardPD)) {
        KernelAudit.noteReference("eltwise relu forward \(shape(desc))", implementation: DNNLRuntime.implementationName(forwardPD))
      }
      return try runtime.primitive(from: forwardPD, what: "eltwise")
    }
    defer { dnnl_primitive_desc_destroy(forwardPD) }
    var backward = dnnl_eltwise_desc_t()
    var diff = desc
    try DNNLRuntime.check(dnnl_eltwise_backward_desc_init(&backward, algorithm, &diff, &data, alpha, beta), "describe an eltwise backward")
    let (_, pd) = try KernelAudit.firstOptimised([()], describe: "eltwise backward \(kind) \(shape(desc))") { _ in
      try withUnsafePointer(to: &backward) { try runtime.primitiveDescriptor(UnsafeRawPointer($0), hint: forwardPD, what: "eltwise backward") }
    }
    return try runtime.primitive(from: pd, what: "eltwise backward")
  }
}
