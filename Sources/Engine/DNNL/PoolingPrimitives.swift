import CDNNL

/// The geometry of a 2-D pooling, resolved for one input shape. `padEnd` already includes the
/// extra padding that ceil_mode needs.
struct PoolingGeometry: Hashable {
  var input: [Int]
  var output: [Int]
  var kernel: [Int]
  var strides: [Int]
  var dilations: [Int]
  var padBegin: [Int]
  var padEnd: [Int]
  var layout: Layout

  func with(layout: Layout) -> PoolingGeometry {
    var copy = self
    copy.layout = layout
    return copy
  }
}

/// oneDNN pooling primitives (max, average with or without padding) per shape: forward for
/// inference, forward-training (which records the arg-max workspace) and backward.
final class PoolingPrimitives: @unchecked Sendable {
  let algorithm: dnnl_alg_kind_t
  /// Keyed by direction (forward inference, forward training, backward) and geometry.
  private let cache = PrimitiveCache<PoolingKey>()
  private struct PoolingKey: Hashable {
    enum Direction: Hashable { case inference, training, backward }
    var direction: Direction
    var geometry: PoolingGeometry
  }

  init(algorithm: dnnl_alg_kind_t) { self.algorithm = algorithm }

  private func forwardDescriptor(_ g: PoolingGeometry, kind: dnnl_prop_kind_t) throws -> dnnl_pooling_v2_desc_t {
    var src = try DNNLRuntime.descriptor(g.input, layout: g.layout)
    var dst = try DNNLRuntime.descriptor(g.output, layout: g.layout)
    var desc = dnnl_pooling_v2_desc_t()
    try DNNLRuntime.check(dnnl_pooling_v2_forward_desc_init(
      &desc, kind, algorithm, &src, &dst, g.strides.map(Int64.init), g.kernel.map(Int64.init),
      g.dilations.map { Int64($0 - 1) }, g.padBegin.map(Int64.init), g.padEnd.map(Int64.init)),
      "describe a pooling \(g.input) -> \(g.output)")
    return desc
  }

  /// The layout a geometry runs in: its own, unless oneDNN has only reference code for it there and an
  /// optimised kernel in the other layout (plain <-> native blocked); decided once per geometry.
  private var resolved: [PoolingGeometry: Layout] = [:]
  private let resolvedLock = Lock()

  func layout(for g: PoolingGeometry) throws -> Layout {
    if let known = resolvedLock.withLock({ resolved[g] }) { return known }
    let alternative: Layout = g.layout == .plain ? .native : .plain
    var candidates = [g.layout]
    if g.input.count == 4 { candidates.append(alternative) }
    let (layout, pd) = try KernelAudit.firstOptimised(candidates, describe: "pooling forward \(g.input) -> \(g.output)") { layout in
      var desc = try forwardDescriptor(g.with(layout: layout), kind: dnnl_forward_inference)
      return try withUnsafePointer(to: &desc) { try DNNLRuntime.shared.primitiveDescriptor(UnsafeRawPointer($0), what: "pooling") }
    }
    dnnl_primitive_desc_destroy(pd)
    resolvedLock.withLock { resolved[g] = layout }
    return layout
  }

  /// `g` in the layout it runs in.
  func resolved(_ g: PoolingGeometry) throws -> PoolingGeometry { g.with(layout: try layout(for: g)) }

  private func forwardPrimitive(_ g: PoolingGeometry, training: Bool) throws -> Primitive {
    try cache.primitive(PoolingKey(direction: training ? .training : .inference, geometry: g)) {
      let (_, pd) = try KernelAudit.firstOptimised([g], describe: "pooling forward \(g.input) -> \(g.output)") { g in
        var desc = try forwardDescriptor(g, kind: training ? dnnl_forward_training : dnnl_forward_inference)
        return try withUnsafePointer(to: &desc) { try DNNLRuntime.shared.primitiveDescriptor(UnsafeRawPointer($0), what: "pooling") }
      }
      let made = try DNNLRuntime.shared.primitive(from: pd, what: "pooling")
      if training, let workspace = DNNLRuntime.queried(pd, dnnl_query_workspace_md), DNNLRuntime.size(of: workspace) > 0 {
        made.memory[DNNLArg.workspace] = workspace
      }
      return made
    }
  }

  /// Runs the forward pass; with `training`, also returns the workspace backward needs.
  func forward(_ x: Value, geometry g: PoolingGeometry, training: Bool = false) throws -> (Value, FloatBuffer?) {
    let prim = try forwardPrimitive(g, training: training)
    let output = Value(uninitialized: g.output, layout: g.layout)
    var arguments: [(Int32, dnnl_memory_desc_t, UnsafeMutablePointer<Float>)] = [
      (DNNLArg.src, try DNNLRuntime.descriptor(g.input, layout: g.layout), x.buffer.pointer),
      (DNNLArg.dst, try DNNLRuntime.descriptor(g.output, layout: g.layout), output.buffer.pointer),
    ]
    var workspace: FloatBuffer?
    if let workspaceDesc = prim.memory[DNNLArg.workspace] {
      // The workspace may hold bytes, not floats: size it in floats, rounded up.
      var desc = workspaceDesc
      let buffer = FloatBuffer(uninitializedCount: (dnnl_memory_desc_get_size(&desc) + 3) / 4)  // the primitive writes it all
      arguments.append((DNNLArg.workspace, workspaceDesc, buffer.pointer))
      workspace = buffer
    }
    try DNNLRuntime.shared.execute(prim.primitive, arguments)
    return (output, workspace)
  }

  /// dL/dx from dL/dy: max pooling routes each gradient to the arg-max recorded by a training
  /// forward pass (the first maximum in the window, as PyTorch does), run again here on `x`; average
  /// pooling spreads it (no forward needed).
  func backward(_ x: Value, _ dy: Value, geometry g: PoolingGeometry) throws -> Value {
    let needsWorkspace = try forwardPrimitive(g, training: true).memory[DNNLArg.workspace] != nil
    let workspace = needsWorkspace ? try forward(x, geometry: g, training: true).1 : nil
    return try backward(dy, geometry: g, workspace: workspace)
  }

  /// dL/dx from dL/dy with the workspace a training forward on `g` recorded (`forward(training: true)`).
  func backward(_ dy: Value, geometry g: PoolingGeometry, workspace: FloatBuffer?) throws -> Value {
    let training = try forwardPrimitive(g, training: true)
    if training.memory[DNNLArg.workspace] != nil, workspace == nil { throw EngineError("max pooling backward needs its forward's workspace") }
    let prim = try cache.primitive(PoolingKey(direction: .backward, geometry: g)) {
      var diffSrc = try DNNLRuntime.descriptor(g.input, layout: g.layout)
      var diffDst = try DNNLRuntime.descriptor(g.output, layout: g.layout)
      var desc = dnnl_pooling_v2_desc_t()
      try DNNLRuntime.check(dnnl_pooling_v2_backward_desc_init(
        &desc, algorithm, &diffSrc, &diffDst, g.strides.map(Int64.init), g.kernel.map(Int64.init),
        g.dilations.map { Int64($0 - 1) }, g.padBegin.map(Int64.init), g.padEnd.map(Int64.init)),
        "describe a pooling backward \(g.output) -> \(g.input)")
      let (_, pd) = try KernelAudit.firstOptimised([g], describe: "pooling backward \(g.output) -> \(g.input)") { _ in
        try withUnsafePointer(to: &desc) {
          try DNNLRuntime.shared.primitiveDescriptor(UnsafeRawPointer($0), hint: training.descriptor, what: "pooling backward")
        }
      }
      return try DNNLRuntime.shared.primitive(from: pd, what: "pooling backward")
    }
    let dyAligned = try Reorder.value(dy, to: g.layout)
    defer { withExtendedLifetime((dyAligned, workspace)) {} }  // pooled buffers: keep alive while their pointers are used
    let dx = Value(uninitialized: g.input, layout: g.layout)
    var arguments: [(Int32, dnnl_memory_desc_t, UnsafeMutablePointer<Float>)] = [
      (DNNLArg.diffDst, try DNNLRuntime.descriptor(g.output, layout: g.layout), dyAligned.buffer.pointer),
      (DNNLArg.diffSrc, try DNNLRuntime.descriptor(g.input, layout: g.layout), dx.buffer.pointer),
    ]
    if let workspace, let workspaceDesc = training.memory[DNNLArg.workspace] {
      arguments.append((DNNLArg.workspace, workspaceDesc, workspace.pointer))
    }
    try DNNLRuntime.shared.execute(prim.primitive, arguments)
    return dx
  }
}
