import Foundation

/// How `Network.randomisingWeights` draws new weights for a layer.
public enum WeightInitialisation: String, Sendable, CaseIterable, Codable {
  /// N(0, σ²) cut at ±2σ (redrawn beyond), σ = the standard deviation of the layer's own weights
  /// (and, separately, of its own biases): the scale the layer was trained at, as Adebayo et al.
  /// (NeurIPS 2018) re-initialise with the network's original initialiser.
  case truncatedNormal = "truncated-normal"
  /// He et al. 2015: σ² = 2 / fan_in for the weights (fan_in = C/group · kH · kW, or K for a fully
  /// connected layer), cut at ±2σ as above; zero biases.
  case kaiming
}

/// A node with learned weights that can be re-initialised: a Conv (weights held by the op) or a
/// Gemm/MatMul reading constant operands (the fully connected weights and bias).
public struct ParameterisedLayer: Sendable, Equatable {
  public let nodeIndex: Int
  public let name: String
  public let typeName: String
  /// Shapes of its weights (and bias), for reports.
  public let parameterShapes: [[Int]]
}

extension Network {
  /// The layers with learned weights, in topological order (the logits layer last).
  public var parameterisedLayers: [ParameterisedLayer] {
    nodes.enumerated().compactMap { index, node in
      if let conv = node.op as? Conv {
        return ParameterisedLayer(nodeIndex: index, name: node.name, typeName: conv.typeName,
                                  parameterShapes: [conv.weights.shape] + (conv.bias.map { [[$0.count]] } ?? []))
      }
      guard node.op is Gemm || node.op is MatMul else { return nil }
      let operands = node.inputs.compactMap { constants[$0]?.shape }
      guard !operands.isEmpty else { return nil }  // a product of two activations has no weights
      return ParameterisedLayer(nodeIndex: index, name: node.name, typeName: node.op.typeName, parameterShapes: operands)
    }
  }

  /// A copy of the network in which the nodes named in `layers` have new, seeded random weights of
  /// the same shapes; every other op is shared. Re-initialised Conv nodes are new `Conv` objects, so
  /// they build their own oneDNN primitives and reorder their own weights: nothing prepared for the
  /// old weights is reused. Layer `i` of the network draws from a stream seeded by (seed, i), so a
  /// layer gets the same weights whichever other layers are randomised with it (cascading
  /// randomisation re-uses them step after step).
  public func randomisingWeights(of layers: Set<String>, seed: UInt64,
                                 initialisation: WeightInitialisation = .truncatedNormal) throws -> Network {
    let known = Set(parameterisedLayers.map(\.name))
    if let unknown = layers.sorted().first(where: { !known.contains($0) }) {
      throw EngineError("node '\(unknown)' is not a layer with weights (Conv, or Gemm/MatMul with constant weights)")
    }
    var newNodes = nodes
    var newConstants = constants
    for (index, node) in nodes.enumerated() where layers.contains(node.name) {
      var random = LayerRandom(seed: seed, layer: UInt64(index))
      if let conv = node.op as? Conv {
        let fanIn = conv.weights.shape.dropFirst().reduce(1, *)  // C/group · kH · kW
        let weights = Tensor(shape: conv.weights.shape,
                             values: random.draw(like: conv.weights.values, fanIn: fanIn, initialisation, isBias: false))
        let bias = conv.bias.map { random.draw(like: $0, fanIn: fanIn, initialisation, isBias: true) }
        let fresh = try Conv(weights: weights, bias: bias, strides: conv.strides, dilations: conv.dilations,
                             padding: conv.padding, group: conv.group)
        newNodes[index] = Node(name: node.name, op: fresh, inputs: node.inputs, outputs: node.outputs)
        continue
      }
      // Gemm / MatMul: the constant operands. A matrix is the weight, a 1-D or broadcast row the
      // bias; fan_in is the inner dimension K of the product (B is [K, N], or [N, K] with transB).
      var fanIn = 1
      if node.inputs.count > 1, let b = constants[node.inputs[1]], b.rank >= 2 {
        fanIn = (node.op as? Gemm)?.transB == true ? b.shape[b.rank - 1] : b.shape[b.rank - 2]
      }
      for (position, name) in node.inputs.enumerated() where !name.isEmpty {
        guard let constant = constants[name] else { continue }
        let isBias = (node.op is Gemm && position == 2) || constant.rank < 2
        newConstants[name] = Tensor(shape: constant.shape,
                                    values: random.draw(like: constant.values, fanIn: fanIn, initialisation, isBias: isBias))
      }
    }
    return try Network(nodes: newNodes, inputName: inputName, outputNames: outputNames, constants: newConstants,
                       declaredInputShape: declaredInputShape, fixedBatch: fixedBatch)
  }
}

/// The shared SplitMix64 generator (`SeededRandom`) seeded per layer: the same (seed, layer) gives the
/// same weights on every platform.
private struct LayerRandom {
  private var random: SeededRandom

  init(seed: UInt64, layer: UInt64) {
    random = SeededRandom(seed: seed ^ (layer &+ 1) &* 0xD1B5_4A32_D192_ED03)
  }

  /// Standard normal cut at ±2 (redrawn beyond), as tf.truncated_normal.
  private mutating func truncatedNormal() -> Double {
    while true {
      let z = random.normal()
      if abs(z) <= 2 { return z }
    }
  }

  /// New values for a parameter array shaped like `original`.
  mutating func draw(like original: [Float], fanIn: Int, _ initialisation: WeightInitialisation, isBias: Bool) -> [Float] {
    let sigma: Double
    switch initialisation {
    case .truncatedNormal:
      let mean = original.reduce(0.0) { $0 + Double($1) } / Double(max(original.count, 1))
      let variance = original.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(max(original.count, 1))
      sigma = variance.squareRoot()
    case .kaiming:
      sigma = isBias ? 0 : (2 / Double(max(fanIn, 1))).squareRoot()
    }
    return original.map { _ in Float(sigma * truncatedNormal()) }
  }
}
