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

  /// The descriptor of a 4-D activation in the given layout.
  static func descriptor(_ shape: [Int], layout: Layout) throws -> dnnl_memory_desc_t {
    switch layout {
    case .plain:
      let tags: [Int: dnnl_format_tag_t] = [1: dnnl_a, 2: dnnl_ab, 3: dnnl_abc, 4: dnnl_abcd, 5: dnnl_abcde]
      guard let tag = tags[shape.count] else { throw EngineError("oneDNN: unsupported rank \(shape.count)") }
      return try descriptor(shape, tag)
    case .blocked16:
      return try descriptor(shape, dnnl_nChw16c)
    }
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

  /// Creates a primitive from an op descriptor (conv, pooling, ...), optionally with a forward hint.
  func makePrimitive(_ opDesc: UnsafeRawPointer, hint: dnnl_primitive_desc_t? = nil, attributes: dnnl_primitive_attr_t? = nil,
                     what: String) throws -> (dnnl_primitive_desc_t, dnnl_primitive_t) {
    var pd: dnnl_primitive_desc_t?
    try DNNLRuntime.check(dnnl_primitive_desc_create(&pd, opDesc, attributes, engine, hint), "create the \(what) primitive descriptor")
    var primitive: dnnl_primitive_t?
    try DNNLRuntime.check(dnnl_primitive_create(&primitive, pd), "create the \(what) primitive")
    guard let pd, let primitive else { throw EngineError("oneDNN returned no \(what) primitive") }
    return (pd, primitive)
  }

  /// The memory descriptor a primitive chose for one of its arguments (`dnnl_query_*_md`).
  static func queried(_ pd: dnnl_primitive_desc_t, _ what: dnnl_query_t) -> dnnl_memory_desc_t? {
    guard let pointer = dnnl_primitive_desc_query_md(pd, what, 0) else { return nil }
    return pointer.pointee
  }
}

/// An activation folded into the primitive before it (oneDNN eltwise post-op): the fused
/// forward of `Network.forward(_:mode: .fused)` skips writing and re-reading the intermediate.
public enum PostOp: Sendable, Hashable {
  case relu
  case clip(low: Float, high: Float)

  /// Primitive attributes carrying this post-op (the caller owns and destroys them).
  func attributes() throws -> dnnl_primitive_attr_t? {
    var attributes: dnnl_primitive_attr_t?
    var postOps: dnnl_post_ops_t?
    try DNNLRuntime.check(dnnl_primitive_attr_create(&attributes), "create primitive attributes")
    try DNNLRuntime.check(dnnl_post_ops_create(&postOps), "create post-ops")
    defer { dnnl_post_ops_destroy(postOps) }
    switch self {
    case .relu: try DNNLRuntime.check(dnnl_post_ops_append_eltwise(postOps, 1, dnnl_eltwise_relu, 0, 0), "append a ReLU post-op")
    case .clip(let low, let high):
      try DNNLRuntime.check(dnnl_post_ops_append_eltwise(postOps, 1, dnnl_eltwise_clip, low, high), "append a clip post-op")
    }
    try DNNLRuntime.check(dnnl_primitive_attr_set_post_ops(attributes, postOps), "set post-ops")
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
