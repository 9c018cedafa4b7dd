import CDNNL

/// A memory format asked of oneDNN: one of the engine's layouts, or `any` (oneDNN chooses).
enum Format: Hashable {
  case layout(Layout)
  case any

  func descriptor(_ shape: [Int]) throws -> dnnl_memory_desc_t {
    switch self {
    case .layout(let layout): return try DNNLRuntime.descriptor(shape, layout: layout)
    case .any: return try DNNLRuntime.descriptor(shape, dnnl_format_tag_any)
    }
  }
}

/// A created oneDNN primitive with the descriptors it was built for. Never destroyed: primitives
/// are cached per shape for the life of the process (a handful per network layer).
final class Primitive: @unchecked Sendable {
  let descriptor: dnnl_primitive_desc_t
  let primitive: dnnl_primitive_t
  /// Memory descriptors chosen by oneDNN, by argument (e.g. the blocked weights format).
  var memory: [Int32: dnnl_memory_desc_t] = [:]
  /// The engine layout of an argument's chosen format, where it is one (absent: e.g. nhwc).
  var layouts: [Int32: Layout] = [:]
  /// Data prepared once for this primitive (weights reordered to its chosen format).
  var prepared: [Int32: FloatBuffer] = [:]

  init(descriptor: dnnl_primitive_desc_t, primitive: dnnl_primitive_t) {
    self.descriptor = descriptor
    self.primitive = primitive
  }

  /// The memory descriptor recorded for `argument`, or an error naming it (never a crash).
  func memory(_ argument: Int32) throws -> dnnl_memory_desc_t {
    guard let found = memory[argument] else { throw EngineError("oneDNN primitive has no memory format for argument \(argument)") }
    return found
  }

  /// The data prepared for `argument` (reordered weights), or an error naming it.
  func prepared(_ argument: Int32) throws -> FloatBuffer {
    guard let found = prepared[argument] else { throw EngineError("oneDNN primitive has no prepared data for argument \(argument)") }
    return found
  }

  /// Records the format the primitive chose for `argument` (and, given the tensor's shape, which
  /// engine layout that format is, if any).
  func adopt(_ argument: Int32, _ query: dnnl_query_t, shape: [Int]? = nil) throws {
    guard let chosen = DNNLRuntime.queried(descriptor, query) else { throw EngineError("oneDNN chose no format for argument \(argument)") }
    memory[argument] = chosen
    if let shape, let layout = DNNLRuntime.layout(of: chosen, shape: shape) { layouts[argument] = layout }
  }

  /// The floats of `value` in the format chosen for `argument`: its own buffer when it is in that
  /// layout already (the usual case), else a reordered copy.
  func input(_ argument: Int32, from value: Value) throws -> FloatBuffer {
    if let layout = layouts[argument] { return layout == value.layout ? value.buffer : try Reorder.value(value, to: layout).buffer }
    let source = try DNNLRuntime.descriptor(value.shape, layout: value.layout)
    return try withExtendedLifetime(value) { try Reorder.convert(value.buffer.pointer, from: source, to: try memory(argument)) }
  }

  /// A value of `shape` in `layout`, from what the primitive wrote into `buffer` for `argument`: the
  /// buffer itself when its format is that layout, else reordered.
  func output(_ argument: Int32, _ buffer: FloatBuffer, shape: [Int], as layout: Layout) throws -> Value {
    if layouts[argument] == layout { return Value(shape: shape, layout: layout, buffer: buffer) }
    let target = try DNNLRuntime.descriptor(shape, layout: layout)
    let reordered = try withExtendedLifetime(buffer) { try Reorder.convert(buffer.pointer, from: try memory(argument), to: target) }
    return Value(shape: shape, layout: layout, buffer: reordered)
  }
}

/// Primitives keyed by a value that holds everything they depend on (geometry, layouts, post-ops).
/// Keys are plain Hashable structs, not strings: a lookup runs once per layer per forward pass.
/// Safe to share across threads: every access holds the lock.
final class PrimitiveCache<Key: Hashable>: @unchecked Sendable {
  private var entries: [Key: Primitive] = [:]
  private let lock = Lock()

  /// The last primitive handed out: a network runs each layer on one shape pass after pass, so
  /// comparing with it (a few small arrays) usually saves hashing the key.
  private var last: (key: Key, primitive: Primitive)?

  func primitive(_ key: Key, make: () throws -> Primitive) throws -> Primitive {
    let found = lock.withLock { () -> Primitive? in
      if let last, last.key == key { return last.primitive }
      guard let entry = entries[key] else { return nil }
      last = (key, entry)
      return entry
    }
    if let found { return found }
    let made = try make()
    lock.withLock {
      entries[key] = made
      last = (key, made)
    }
    return made
  }
}

/// Layout conversions between plain and blocked activations, through oneDNN reorder primitives.
enum Reorder {
  /// A value reorder is known by shape and layouts; any other (weights into a primitive's chosen
  /// format) by the bytes of both descriptors, so equal keys always mean equal descriptors.
  private enum Key: Hashable {
    case value(shape: [Int], from: Layout, to: Layout)
    case descriptors([UInt8])
  }
  private static let cache = PrimitiveCache<Key>()

  /// Reorders raw floats described by `source` into a new buffer described by `target`.
  static func convert(_ input: UnsafeMutablePointer<Float>, from source: dnnl_memory_desc_t,
                      to target: dnnl_memory_desc_t) throws -> FloatBuffer {
    let bytes = withUnsafeBytes(of: source) { Array($0) } + withUnsafeBytes(of: target) { Array($0) }
    return try convert(input, from: source, to: target, key: .descriptors(bytes))
  }

  private static func convert(_ input: UnsafeMutablePointer<Float>, from source: dnnl_memory_desc_t,
                              to target: dnnl_memory_desc_t, key: Key) throws -> FloatBuffer {
    let runtime = DNNLRuntime.shared
    let prim = try cache.primitive(key) {
      var pd: dnnl_primitive_desc_t?
      var source = source, target = target
      try DNNLRuntime.check(dnnl_reorder_primitive_desc_create(&pd, &source, runtime.engine, &target, runtime.engine, nil),
                            "create a reorder")
      var primitive: dnnl_primitive_t?
      try DNNLRuntime.check(dnnl_primitive_create(&primitive, pd), "create a reorder primitive")
      guard let pd, let primitive else { throw EngineError("oneDNN returned no reorder primitive") }
      return Primitive(descriptor: pd, primitive: primitive)
    }
    let output = FloatBuffer(uninitializedCount: DNNLRuntime.size(of: target))
    try runtime.execute(prim.primitive, [(DNNLArg.src, source, input), (DNNLArg.dst, target, output.pointer)])
    return output
  }

  /// The same 4-D value in `layout` (returns `value` itself when already there).
  static func value(_ value: Value, to layout: Layout) throws -> Value {
    if value.layout == layout { return value }
    guard value.shape.count == 4 else { throw EngineError("blocked layout needs a 4-D tensor, got \(value.shape)") }
    // With H = W = 1 and whole channel blocks, a blocked layout puts (n, c) at n·C + c: the plain
    // order. Pooled features before the classifier hit this on every pass; share the buffer.
    let widths = [value.layout.blockWidth, layout.blockWidth].compactMap { $0 }
    if value.shape[2] == 1, value.shape[3] == 1, widths.allSatisfy({ value.shape[1] % $0 == 0 }) {
      return Value(shape: value.shape, layout: layout, buffer: value.buffer)
    }
    let source = try DNNLRuntime.descriptor(value.shape, layout: value.layout)
    let target = try DNNLRuntime.descriptor(value.shape, layout: layout)
    let buffer = try convert(value.buffer.pointer, from: source, to: target, key: .value(shape: value.shape, from: value.layout, to: layout))
    return Value(shape: value.shape, layout: layout, buffer: buffer)
  }
}
