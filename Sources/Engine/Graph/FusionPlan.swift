/// What a forward-only run (`ForwardMode.fused`) folds into each convolution primitive, decided
/// once per network from the graph alone:
/// - `conv → activation` (Relu, LeakyRelu, Clip, HardSwish, Sigmoid, Tanh): an eltwise post-op;
/// - `conv → Add(·, r) [→ activation]`: a sum post-op that accumulates the conv into r's values
///   (the residual connection of ResNets and inverted-residual blocks), then the eltwise post-op.
/// The folded nodes are skipped and their intermediate tensors never written. Only the tensor of the
/// last folded node is produced, so a fusion never hides a tensor someone else reads.
struct ConvolutionFusion {
  let conv: Conv
  /// Indices of the nodes whose work the primitive does (the Add, the activation), skipped by the run.
  let absorbed: [Int]
  /// The tensor the fused primitive produces (output of the last absorbed node).
  let output: String
  /// The other operand of a residual Add: the primitive starts from its values (sum post-op).
  let residual: String?
  /// oneDNN post-ops in order: `.sum` (when `residual` is set) and/or one activation.
  let postOps: [PostOp]
}

extension PostOp {
  /// The post-op computing `op`, if it is an activation oneDNN has (same formula as our op).
  static func activation(_ op: any Op) -> PostOp? {
    switch op {
    case is Relu: return .relu
    case let leaky as LeakyRelu: return .leakyRelu(alpha: leaky.alpha)
    case let clip as Clip where clip.low.isFinite && clip.high.isFinite: return .clip(low: clip.low, high: clip.high)
    case is HardSwish: return .hardSwish
    case is Sigmoid: return .sigmoid
    case is Tanh: return .tanh
    default: return nil
    }
  }
}

/// An activation whose backward reads only its output and the arriving gradient, never its input
/// (Relu, Clip: the mask comes from y, see `ReluFamilyGradient`). A gradient run
/// (`ForwardMode.gradients`) fuses only these into the convolution before them: the fused-away
/// pre-activation is never written, and nothing needs it.
protocol GradientFromOutput: ExecutableOp {}

/// The fusions of a network plus, for each node, the tensors no node reads after it: a forward-only
/// run gives their buffers back to the pool at once, so later layers reuse memory that is still in cache.
/// A network has two plans: one for forward-only runs, and one for gradient runs (`forGradients`),
/// which absorbs only residual Adds and `GradientFromOutput` activations (every absorbed node's
/// backward then runs without the tensors the fusion never wrote).
struct FusionPlan {
  /// Conv node index -> its fusion.
  var fusions: [Int: ConvolutionFusion] = [:]
  /// Node index -> tensors last read by that node (never the graph outputs or constants).
  var releases: [Int: [String]] = [:]
  /// Tensor -> indices of the nodes reading it.
  var readers: [String: [Int]] = [:]
  /// A plan for gradient runs: only `GradientFromOutput` activations are absorbed, and residuals are
  /// always copied before the sum post-op (their values stay in the trace for other nodes' backward).
  let forGradients: Bool

  init(nodes: [Node], inputName: String, outputs: Set<String>, constants: Set<String>, forGradients: Bool = false) {
    self.forGradients = forGradients
    var producer: [String: Int] = [:]
    for (index, node) in nodes.enumerated() {
      for input in Set(node.inputs) where !input.isEmpty { readers[input, default: []].append(index) }
      for output in node.outputs { producer[output] = index }
    }
    // A tensor that feeds only `reader` and is not a graph output: fusing past it loses nothing.
    func feedsOnly(_ tensor: String, _ reader: Int) -> Bool {
      !outputs.contains(tensor) && readers[tensor] == [reader]
    }
    func activation(after tensor: String) -> (index: Int, postOp: PostOp)? {
      guard let only = readers[tensor], only.count == 1, feedsOnly(tensor, only[0]) else { return nil }
      let next = nodes[only[0]]
      guard next.inputs.filter({ !$0.isEmpty }) == [tensor] else { return nil }
      guard let postOp = PostOp.activation(next.op), !forGradients || next.op is any GradientFromOutput else { return nil }
      return (only[0], postOp)
    }

    for (index, node) in nodes.enumerated() {
      guard let conv = node.op as? Conv, let output = node.outputs.first, let only = readers[output],
            only.count == 1, feedsOnly(output, only[0]) else { continue }
      let next = nodes[only[0]]
      if let add = next.op as? BinaryArithmetic, add.kind == .add, next.inputs.count == 2,
         let residual = next.inputs.first(where: { $0 != output }), next.inputs.contains(output),
         let addOutput = next.outputs.first,
         // The residual must already exist when the conv runs (produced earlier, or the input). When both
         // operands are convs, this picks the later one: it accumulates into the earlier one's result.
         residual == inputName || (producer[residual].map { $0 < index } ?? false) {
        let after = activation(after: addOutput)
        fusions[index] = ConvolutionFusion(
          conv: conv, absorbed: [only[0]] + (after.map { [$0.index] } ?? []),
          output: after.map { nodes[$0.index].outputs[0] } ?? addOutput, residual: residual,
          postOps: [.sum] + (after.map { [$0.postOp] } ?? []))
      } else if let after = activation(after: output) {
        fusions[index] = ConvolutionFusion(conv: conv, absorbed: [after.index], output: nodes[after.index].outputs[0],
                                           residual: nil, postOps: [after.postOp])
      }
    }
    for (tensor, indices) in readers where !outputs.contains(tensor) && !constants.contains(tensor) {
      if let last = indices.max() { releases[last, default: []].append(tensor) }
    }
  }

  /// True when no node after `index`, other than the ones in `except`, reads `tensor` by name.
  func isLastRead(of tensor: String, after index: Int, except: [Int]) -> Bool {
    (readers[tensor] ?? []).allSatisfy { $0 < index || except.contains($0) }
  }
}
