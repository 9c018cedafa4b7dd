import CDNNL

/// The one oneDNN CPU engine and stream of the process, plus small helpers around the C API.
/// oneDNN handles are opaque pointers that Swift 6 does not consider Sendable; this class owns
/// them for the process lifetime and every call into oneDNN goes through `lock`, so no two
/// threads ever use the stream at once.
public final class DNNLRuntime: @unchecked Sendable {
  public static let shared = DNNLRuntime()

  let engine: dnnl_engine_t
  let stream: dnnl_stream_t
  let lock = Lock()

  private init() {
    var engine: dnnl_engine_t?
    var stream: dnnl_stream_t?
    // Failure here means the library itself is unusable (no CPU engine): not a user error.
    precondition(dnnl_engine_create(&engine, dnnl_cpu, 0) == dnnl_success, "oneDNN: cannot create the CPU engine")
    precondition(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue) == dnnl_success,
                 "oneDNN: cannot create a stream")
    self.engine = engine!
    self.stream = stream!
  }

  /// Throws an `EngineError` naming `what` when a oneDNN call fails.
  @inline(__always)
  static func check(_ status: dnnl_status_t, _ what: @autoclosure () -> String) throws {
    if status != dnnl_success {
      throw EngineError("oneDNN failed to \(what()) (status \(status.rawValue))")
    }
  }

  /// A memory descriptor for `dims` with a format tag (plain nchw, nChw16c, any, ...).
  static func descriptor(_ dims: [Int], _ tag: dnnl_format_tag_t) throws -> dnnl_memory_desc_t {
    var desc = dnnl_memory_desc_t()
    let dims64 = dims.map { Int64($0) }
    try check(dnnl_memory_desc_init_by_tag(&desc, Int32(dims.count), dims64, dnnl_f32, tag), "describe memory \(dims)")
    return desc
  }

  /// The descriptor of an activation in the given layout (blocked layouts: 4-D only).
  static func descriptor(_ shape: [Int], layout: Layout) throws -> dnnl_memory_desc_t {
    switch layout {
    case .plain:
      let tags: [Int: dnnl_format_tag_t] = [1: dnnl_a, 2: dnnl_ab, 3: dnnl_abc, 4: dnnl_abcd, 5: dnnl_abcde]
      guard let tag = tags[shape.count] else { throw EngineError("oneDNN: unsupported rank \(shape.count)") }
      return try descriptor(shape, tag)
    case .blocked(let width):
      let tags: [Int: dnnl_format_tag_t] = [4: dnnl_nChw4c, 8: dnnl_nChw8c, 16: dnnl_nChw16c]
      guard shape.count == 4, let tag = tags[width] else {
        throw EngineError("oneDNN: no blocked layout of width \(width) for shape \(shape)")
      }
      return try descriptor(shape, tag)
    }
  }

  /// The engine layout a primitive's chosen descriptor is, if it is one (plain, nChw8c, nChw16c);
  /// nil for formats the engine does not hold values in (nhwc, ...), which are reordered.
  static func layout(of desc: dnnl_memory_desc_t, shape: [Int]) -> Layout? {
    let candidates: [Layout] = shape.count == 4 ? [.plain, .blocked(width: 8), .blocked(width: 16)] : [.plain]
    return candidates.first { candidate in (try? descriptor(shape, layout: candidate)).map { equal($0, desc) } ?? false }
  }

  static func size(of desc: dnnl_memory_desc_t) -> Int {
    var desc = desc
    return dnnl_memory_desc_get_size(&desc) / MemoryLayout<Float>.stride
  }

  static func equal(_ a: dnnl_memory_desc_t, _ b: dnnl_memory_desc_t) -> Bool {
    var a = a, b = b
    return dnnl_memory_desc_equal(&a, &b) != 0
  }

  /// Runs `primitive` with the given (argument, descriptor, buffer) triples and waits for it.
  func execute(_ primitive: dnnl_primitive_t, _ arguments: [(Int32, dnnl_memory_desc_t, UnsafeMutablePointer<Float>)]) throws {
    lock.lock()
    defer { lock.unlock() }
    var memories: [dnnl_memory_t?] = []
    defer { for memory in memories { dnnl_memory_destroy(memory) } }
    var args: [dnnl_exec_arg_t] = []
    for (argument, desc, pointer) in arguments {
      var desc = desc
      var memory: dnnl_memory_t?
      try DNNLRuntime.check(dnnl_memory_create(&memory, &desc, engine, pointer), "wrap a buffer")
      memories.append(memory)
      args.append(dnnl_exec_arg_t(arg: argument, memory: memory))
    }
    try DNNLRuntime.check(dnnl_primitive_execute(primitive, stream, Int32(args.count), args), "execute a primitive")
    try DNNLRuntime.check(dnnl_stream_wait(stream), "wait for the stream")
  }

  /// A primitive descriptor from an op descriptor (conv, pooling, ...), optionally with a forward hint.
  func primitiveDescriptor(_ opDesc: UnsafeRawPointer, hint: dnnl_primitive_desc_t? = nil, attributes: dnnl_primitive_attr_t? = nil,
                           what: String) throws -> dnnl_primitive_desc_t {
    var pd: dnnl_primitive_desc_t?
    try DNNLRuntime.check(dnnl_primitive_desc_create(&pd, opDesc, attributes, engine, hint), "create the \(what) primitive descriptor")
    guard let pd else { throw EngineError("oneDNN returned no \(what) primitive descriptor") }
    return pd
  }

  /// The primitive of a descriptor (kernels are generated here: create only the descriptor you keep).
  func primitive(from pd: dnnl_primitive_desc_t, what: String) throws -> Primitive {
    var primitive: dnnl_primitive_t?
    try DNNLRuntime.check(dnnl_primitive_create(&primitive, pd), "create the \(what) primitive")
    guard let primitive else { throw EngineError("oneDNN returned no \(what) primitive") }
    return Primitive(descriptor: pd, primitive: primitive)
  }

  /// The implementation oneDNN picked for a primitive (its `impl_info_str`).
  static func implementationName(_ pd: dnnl_primitive_desc_t) -> String {
    var name: UnsafePointer<CChar>?
    guard dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &name) == dnnl_success, let name else { return "unknown" }
    return String(cString: name)
  }

  /// Whether oneDNN dispatches AVX2 kernels or better (its blocked jit backward-data kernels start there).
  static var usesAVX2: Bool { uses(dnnl_cpu_isa_avx2) }

  /// Whether oneDNN's kernels use AVX-512 (core) on this machine.
  static var usesAVX512Core: Bool { uses(dnnl_cpu_isa_avx512_core) }

  /// Whether the effective ISA includes `isa` (ISA values are feature bit masks).
  private static func uses(_ isa: dnnl_cpu_isa_t) -> Bool {
    dnnl_get_effective_cpu_isa().rawValue & isa.rawValue == isa.rawValue
  }

  /// The memory descriptor a primitive chose for one of its arguments (`dnnl_query_*_md`).
  static func queried(_ pd: dnnl_primitive_desc_t, _ what: dnnl_query_t) -> dnnl_memory_desc_t? {
    guard let pointer = dnnl_primitive_desc_query_md(pd, what, 0) else { return nil }
    return pointer.pointee
  }
}

/// Work folded into the convolution primitive before it (oneDNN post-ops), so a forward-only run
/// (`Network.forward(_:mode: .fused)`) skips writing and re-reading the intermediate tensors.
public enum PostOp: Sendable, Hashable {
  case relu
  case leakyRelu(alpha: Float)
  case clip(low: Float, high: Float)
  case hardSwish
  case sigmoid
  case tanh
  /// dst = conv(x) + dst: the residual is in the output buffer before the primitive runs.
  case sum

  /// Primitive attributes carrying `postOps` in order (the caller owns and destroys them).
  static func attributes(_ postOps: [PostOp]) throws -> dnnl_primitive_attr_t? {
    var attributes: dnnl_primitive_attr_t?
    var chain: dnnl_post_ops_t?
    try DNNLRuntime.check(dnnl_primitive_attr_create(&attributes), "create primitive attributes")
    try DNNLRuntime.check(dnnl_post_ops_create(&chain), "create post-ops")
    defer { dnnl_post_ops_destroy(chain) }
    func append(_ kind: dnnl_alg_kind_t, _ alpha: Float = 0, _ beta: Float = 0) throws {
      try DNNLRuntime.check(dnnl_post_ops_append_eltwise(chain, 1, kind, alpha, beta), "append an eltwise post-op (\(kind))")
    }
    for postOp in postOps {
      switch postOp {
      case .relu: try append(dnnl_eltwise_relu)
      case .leakyRelu(let alpha): try append(dnnl_eltwise_relu, alpha)  // oneDNN's relu alpha is the negative slope
      case .clip(let low, let high): try append(dnnl_eltwise_clip, low, high)
      case .hardSwish: try append(dnnl_eltwise_hardswish)
      case .sigmoid: try append(dnnl_eltwise_logistic)
      case .tanh: try append(dnnl_eltwise_tanh)
      case .sum: try DNNLRuntime.check(dnnl_post_ops_append_sum(chain, 1), "append a sum post-op")
      }
    }
    try DNNLRuntime.check(dnnl_primitive_attr_set_post_ops(attributes, chain), "set post-ops")
    return attributes
  }
}

// Argument indices (the DNNL_ARG_* macros are aliases that Swift does not always import).
enum DNNLArg {
  static let src: Int32 = 1
  static let dst: Int32 = 17
  static let weights: Int32 = 33
  static let bias: Int32 = 41
  static let workspace: Int32 = 64
  static let diffSrc: Int32 = 129
  static let diffDst: Int32 = 145
}
