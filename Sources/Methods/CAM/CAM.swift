import Engine

/// CAM (Zhou et al. 2016): w_k^c = the final linear layer's weight for class c. Defined only for
/// conv → global average pool → (flatten) → one linear layer, where y^c = Σ_k w_k^c mean(A^k) + b^c
/// makes Σ_k w_k^c A^k the class score spread over positions.
public struct CAM: ChannelWeightedMap {
  public static let name = "cam"
  public static let summary = "Class activation map: feature maps weighted by the final linear layer (Zhou 2016); needs conv -> GAP -> linear."
  public var layer: LayerChoice = .auto
  /// Unused: CAM needs conv → GAP → linear, which token layers are not.
  public var tokens: TokenLayout?

  public static let settings = [Setting<CAM>("layer", \.layer, "target layer: auto or the tensor fed to the global average pool")]

  public init() {}

  public var needsGradient: Bool { false }
  public var variantConventions: [Convention] { [Convention("weights", "final linear layer row of the class")] }

  public func validate(_ setup: LayerSetup) throws {
    _ = try CAM.classifierWeights(setup.context.network, layer: setup.layer, scoreName: setup.scoreName)
  }

  public func channelWeights(_ sample: LayerSample, _ setup: LayerSetup) throws -> [Float] {
    let classifier = try CAM.classifierWeights(setup.context.network, layer: setup.layer, scoreName: setup.scoreName)
    return classifier.row(sample.target.index)
  }

  /// The linear layer's weights as [classes][channels] access.
  struct Classifier {
    let weights: Tensor
    let transposed: Bool
    let alpha: Float
    func row(_ cls: Int) -> [Float] {
      let (rows, columns) = (weights.shape[0], weights.shape[1])
      if transposed {  // B is [K, C]
        return (0..<columns).map { alpha * weights.values[cls * columns + $0] }
      }
      return (0..<rows).map { alpha * weights.values[$0 * columns + cls] }  // B is [C, K]
    }
  }

  /// Walks layer → global average pool → (flatten/reshape) → Gemm → scores, explaining what breaks.
  static func classifierWeights(_ network: Network, layer: String, scoreName: String) throws -> Classifier {
    let why = "CAM needs the target layer to feed a global average pool, then (optionally) a flatten, then one linear layer giving the scores"
    func consumers(_ tensor: String) -> [Node] { network.nodes.filter { $0.inputs.contains(tensor) } }
    let pools = consumers(layer)
    guard pools.count == 1, let pool = pools.first, pool.op.traits.contains(.globalAveragePool) else {
      let found = pools.map(\.op.typeName).joined(separator: ", ")
      throw MethodError("cam does not apply here: layer '\(layer)' feeds [\(found)], not one global average pool; \(why) (use grad-cam, which works on any layer)")
    }
    var tensor = pool.outputs[0]
    while true {
      let next = consumers(tensor)
      guard next.count == 1, let node = next.first else {
        throw MethodError("cam does not apply here: the pooled features feed \(next.count) nodes; \(why) (use grad-cam)")
      }
      if node.op.isShapeOnly {  // flatten, reshape, squeeze, dropout: the same values
        tensor = node.outputs[0]
        continue
      }
      // The classifier: a Gemm, whose weight layout (transB) and scale (alpha) the rows are read with.
      guard let gemm = node.op as? Gemm else {
        throw MethodError("cam does not apply here: after the global average pool comes a \(node.op.typeName) node ('\(node.name)'); \(why) (use grad-cam)")
      }
      guard !gemm.transA, node.inputs.count > 1, let weights = network.constants[node.inputs[1]], weights.rank == 2 else {
        throw MethodError("cam does not apply here: the linear layer '\(node.name)' has no constant 2-D weight matrix; \(why)")
      }
      var output = node.outputs[0]
      while output != scoreName, let after = consumers(output).first, consumers(output).count == 1,
            after.op.isIdentity {
        output = after.outputs[0]
      }
      guard output == scoreName else {
        throw MethodError("cam does not apply here: the linear layer '\(node.name)' is not the last layer before the scores; \(why) (use grad-cam)")
      }
      return Classifier(weights: weights, transposed: gemm.transB, alpha: gemm.alpha)
    }
  }
}
