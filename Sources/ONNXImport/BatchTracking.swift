import Engine

/// Where a tensor holds the batch: dimension `axis` is outer · N · `inner` for batch N (a token
/// tensor [N, T, C]: axis 0, inner 1; LeViT's flattened [N·196, 256]: axis 0, inner 196; Swin's
/// windows [N·64, 49, C]: axis 0, inner 64). In the flattened tensor one batch step is
/// `stride` = inner · prod(dims after axis) elements.
struct BatchAxis: Equatable {
  let axis: Int
  let inner: Int
  func stride(in shape: [Int]) -> Int { inner * shape[(axis + 1)...].reduce(1, *) }
}

/// Shape inference at two batch sizes while the network is built, to tell which dimensions derive
/// from the input's batch. Exports carry the batch they were traced with (1) as plain numbers in
/// reshape targets ([1, 197, 3, 3, 64], [1, 1280]) and folded shape arithmetic; a dimension that
/// differs between the shapes inferred at batch B0 (the declared batch) and B1 follows the batch,
/// one that does not is a constant of the model, whatever its value.
struct BatchTracking {
  let batch0: Int
  let batch1: Int
  private(set) var shapes0: [String: [Int]] = [:]
  /// Shapes at batch1; missing for tensors past a node whose shape inference failed there (the
  /// network then runs at batch0 only, and other batches fail with that node's shape error).
  private(set) var shapes1: [String: [Int]] = [:]
  private(set) var batchAxes: [String: BatchAxis] = [:]
  /// The first node whose input follows the batch but whose outputs do not (a reduction over the
  /// batch, or a gather traced for one item), for the message when a graph output does not follow it.
  private(set) var batchLost: String?
  /// Index of the first node whose shape inference failed at batch1.
  private(set) var firstFailure: Int?

  init(input: String, declared: [Int], constants: [String: [Int]]) {
    batch0 = declared.first.map { $0 >= 1 ? $0 : 1 } ?? 1
    batch1 = batch0 + 2
    var shape0 = declared, shape1 = declared
    if !declared.isEmpty { shape0[0] = batch0; shape1[0] = batch1 }
    shapes0 = constants
    shapes1 = constants
    shapes0[input] = shape0
    shapes1[input] = shape1
    if !declared.isEmpty { batchAxes[input] = BatchAxis(axis: 0, inner: 1) }
  }

  /// A tensor evaluated at load time: the same at every batch.
  mutating func addConstant(_ name: String, shape: [Int]) {
    shapes0[name] = shape
    shapes1[name] = shape
  }

  /// Records the outputs of `op` reading `inputs`; `override` is a reshape's own batch axis.
  mutating func record(_ op: any Op, node: String, inputs: [String], outputs: [String], override: BatchAxis?, index: Int) throws {
    let known = inputs.compactMap { shapes0[$0] }
    guard known.count == inputs.count else {
      throw EngineError("node '\(node)' (\(op.typeName)) reads a tensor whose shape is unknown: \(inputs.filter { shapes0[$0] == nil })")
    }
    let in0 = known
    let out0 = try op.checkedOutputShapes(in0, node: node, outputs: outputs)
    let in1 = inputs.map { shapes1[$0] }
    let out1 = in1.contains(where: { $0 == nil }) ? nil : try? op.checkedOutputShapes(in1.map { $0 ?? [] }, node: node, outputs: outputs)
    if out1 == nil, !in1.contains(where: { $0 == nil }), firstFailure == nil { firstFailure = index }
    defer {
      if batchLost == nil, inputs.contains(where: { batchAxes[$0] != nil }), !outputs.contains(where: { batchAxes[$0] != nil }) {
        batchLost = "node '\(node)' (\(op.typeName)) makes \(outputs.first.map { "'\($0)'" } ?? "its output") from all items of the batch at once"
      }
    }
    for (k, name) in outputs.enumerated() where k < out0.count {
      shapes0[name] = out0[k]
      guard let out1, k < out1.count, out1[k].count == out0[k].count else { continue }
      shapes1[name] = out1[k]
      if let override, k == 0 {
        batchAxes[name] = override
      } else if let axis = batchAxis(of: out0[k], out1[k], inputs: inputs, reshapes: op is Reshape) {
        batchAxes[name] = axis
      }
    }
  }

  /// The one axis whose size changes with the batch, and its inner factor: kept from an input whose
  /// batch dimension has the same size (element-wise ops, convolutions, transposes), found from the
  /// invariant batch stride for reshapes (Flatten, Squeeze, Unsqueeze), else assumed outermost.
  private func batchAxis(of shape0: [Int], _ shape1: [Int], inputs: [String], reshapes: Bool) -> BatchAxis? {
    let changed = shape0.indices.filter { shape0[$0] != shape1[$0] }
    guard changed.count == 1, let axis = changed.first else { return nil }
    let tracked = inputs.compactMap { name in batchAxes[name].flatMap { b in shapes0[name].map { (b, $0) } } }
    if reshapes, let (source, shape) = tracked.first {
      let stride = source.stride(in: shape), below = shape0[(axis + 1)...].reduce(1, *)
      if stride % below == 0 { return BatchAxis(axis: axis, inner: stride / below) }
    }
    if let (source, _) = tracked.first(where: { $0.1[$0.0.axis] == shape0[axis] }) {
      return BatchAxis(axis: axis, inner: source.inner)
    }
    return shape0[axis] % batch0 == 0 ? BatchAxis(axis: axis, inner: shape0[axis] / batch0) : nil
  }

  /// The Reshape targets that follow the batch, most likely first: `target` resolved at batch0
  /// against `input`, with the dimension holding the batch written as −1, and that dimension's batch
  /// axis. The batch is one digit of the flat index, at the input's batch stride s with radix batch0;
  /// it falls in target axis j when stride(j) ≤ s and s·batch0 ≤ stride(j)·dim(j). With a batch of 1
  /// several axes can hold it; torch usually puts the batch first (reshape(N·T, C), flatten(0, 1)),
  /// so the axes where it is the outermost factor (s·batch0 = stride(j)·dim(j)) come first, outer
  /// axes before inner ([1, 196, 256] from LeViT's [196, 256] is [N, 196, 256], not [1, 196·N, 256]).
  /// Empty when the input does not follow the batch.
  func reshapeTargets(_ target: [Int], allowZero: Bool, input: String) throws -> [(target: [Int], batch: BatchAxis)] {
    guard let x0 = shapes0[input], let x1 = shapes1[input], let source = batchAxes[input],
          x1.reduce(1, *) != x0.reduce(1, *) else { return [] }
    let resolved = try Reshape.resolve(target, allowZero: allowZero, input: x0)
    let stride = source.stride(in: x0), strides = Tensor.strides(of: resolved)
    let holds = resolved.indices.filter {
      strides[$0] <= stride && stride % strides[$0] == 0 && stride * batch0 <= strides[$0] * resolved[$0]
    }
    let leading = holds.filter { stride * batch0 == strides[$0] * resolved[$0] }
    return (leading + holds.filter { !leading.contains($0) }).map { j in
      var following = resolved
      following[j] = -1
      return (following, BatchAxis(axis: j, inner: stride / strides[j]))
    }
  }

  /// When a graph output does not follow the batch although the input does: the batch the network
  /// can run at, and why (else nil). Outputs whose shape at batch1 is unknown fail at run time
  /// with their node's own shape error instead.
  func fixedBatch(outputs: [String]) -> Network.FixedBatch? {
    guard !batchAxes.isEmpty else { return nil }
    let stuck = outputs.filter { shapes1[$0] != nil && batchAxes[$0] == nil }
    guard let first = stuck.first else { return nil }
    return Network.FixedBatch(size: batch0, reason: "output '\(first)' does not follow the batch (\(batchLost ?? "a node mixes the items")); run it one input at a time")
  }

  /// For an Expand of `input` to `target`: the target with a 1 where it would pin the input's batch
  /// dimension to batch0 (a 1 lets broadcasting keep the input's own size).
  func expandTarget(_ target: [Int], input: String) -> [Int] {
    guard let x0 = shapes0[input], let source = batchAxes[input] else { return target }
    let rank = max(x0.count, target.count)
    let t = source.axis + rank - x0.count - (rank - target.count)
    guard t >= 0, t < target.count, target[t] == x0[source.axis] else { return target }
    var following = target
    following[t] = 1
    return following
  }
}
