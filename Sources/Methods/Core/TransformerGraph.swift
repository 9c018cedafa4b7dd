import Engine

/// What a network's graph says about attention, read through op traits (never op names): where its
/// attention probabilities are, the grid of its patch embedding, which 4-D tensors are channels-last,
/// and the layer the CAM family looks at by default.
public struct TransformerGraph: Sendable {
  public let network: Network
  /// Every tensor's shape for the input shape the graph was read at.
  public let shapes: [String: [Int]]
  /// Attention probabilities, block by block in graph order: the outputs of a softmax over the last
  /// axis of a [B, heads, T, T] tensor (each query's weights over the keys).
  public let attention: [String]

  public init(_ network: Network, inputShape: [Int]) throws {
    self.network = network
    shapes = try network.shapes(forInput: inputShape)
    attention = network.nodes.compactMap { [shapes] node in
      guard node.op.traits.contains(.softmaxOverLastAxis), let output = node.outputs.first,
            let shape = shapes[output], shape.count == 4, shape[2] == shape[3], shape[3] > 1 else { return nil }
      return output
    }
  }

  /// The index of the node producing `tensor`.
  func index(of tensor: String) -> Int? {
    network.nodes.firstIndex { $0.outputs.contains(tensor) }
  }

  /// [h, w] of the last convolution or pooling output before the first attention block: a ViT's patch
  /// embedding (a 16 × 16 convolution at stride 16 gives 14 × 14 at 224 px). Nil without attention.
  public var patchGrid: [Int]? {
    guard let first = attention.first.flatMap(index(of:)) else { return nil }
    let windowed = network.nodes[..<first].last { $0.op.window != nil }
    guard let output = windowed?.outputs.first, let shape = shapes[output], shape.count == 4 else { return nil }
    return [shape[2], shape[3]]
  }

  /// Whether a 4-D tensor holds features on its last axis ([N, H, W, C]): a normalisation of each
  /// position's features made it or reads it (Swin stages, ConvNeXt blocks).
  public func isChannelsLast(_ tensor: String) -> Bool {
    guard shapes[tensor]?.count == 4 else { return false }
    if network.node(producing: tensor)?.op.traits.contains(.featureNormalisation) == true { return true }
    return network.nodes.contains { $0.op.traits.contains(.featureNormalisation) && $0.inputs.first == tensor }
  }

  /// The default layer of the CAM family and the other layer methods, and the rule that chose it (for
  /// the caption). Transformers: for token tensors (ViT, DeiT) the last block's first normalisation, the
  /// one that feeds its attention (pytorch-grad-cam's ViT recipe); for channels-last stages (Swin) the
  /// first normalisation after the last attention, the last block's second (torch-cam #412: norm2
  /// localises, norm1 does not). Networks without attention, or whose convolutions continue after it:
  /// the last 4-D map with more than one position (no rule named: CNN captions stay as they were).
  public func automaticLayer() throws -> (name: String, rule: String?) {
    if let last = attention.last, let lastIndex = index(of: last),
       !network.nodes[lastIndex...].contains(where: { $0.op.window != nil }) {
      if let feeding = normalisation(feeding: lastIndex), shapes[feeding]?.count == 3 {
        return (feeding, "the last attention block's first normalisation (ViT rule)")
      }
      if let after = network.nodes[lastIndex...].first(where: {
        $0.op.traits.contains(.featureNormalisation) && (shapes[$0.outputs[0]]?.count ?? 0) >= 3
      }) {
        return (after.outputs[0], "the first normalisation after the last attention block, its second (Swin rule)")
      }
      // No normalisation over features (LeViT normalises by batch statistics): the last token tensor
      // [N, T, C] as long as the last attention's sequence.
      let length = shapes[last]?[3]
      if let tokens = network.tensorNames.last(where: { shapes[$0]?.count == 3 && shapes[$0]?[1] == length }),
         let producer = index(of: tokens), producer > lastIndex {
        return (tokens, "the last token tensor after the last attention block (no feature normalisation)")
      }
    }
    // CNNs: the last 4-D map with more than one position; a channels-last map counts its H × W (ConvNeXt's
    // head normalises a pooled [N, 1, 1, C], which has one).
    let found = network.tensorNames.last { name in
      guard let shape = shapes[name], shape.count == 4 else { return false }
      return isChannelsLast(name) ? shape[1] * shape[2] > 1 : shape[2] * shape[3] > 1
    }
    guard let found else {
      throw MethodError("the network has no 4-D feature map with spatial size > 1 and no attention blocks; name a layer with `layer:`")
    }
    return (found, nil)  // the rule captions have always implied for CNNs
  }

  /// The output of the nearest feature normalisation upstream of node `index` (breadth first).
  func normalisation(feeding index: Int) -> String? {
    var queue = network.nodes[index].inputs, seen = Set(queue)
    while !queue.isEmpty {
      let tensor = queue.removeFirst()
      guard let producer = network.node(producing: tensor) else { continue }
      if producer.op.traits.contains(.featureNormalisation) { return tensor }
      for input in producer.inputs where !seen.contains(input) {
        seen.insert(input)
        queue.append(input)
      }
    }
    return nil
  }

  /// The attention blocks as [B, heads, T, T], or the error that says why a method needs them.
  public func requireGlobalAttention(for method: String, batch: Int) throws -> (names: [String], heads: Int, tokens: Int) {
    guard let first = attention.first, let shape = shapes[first] else {
      throw MethodError("\(method) needs a transformer's attention (a softmax over the last axis of [N, heads, T, T]); this network has none: use a CAM or pixel method instead")
    }
    guard shape[0] == batch else {
      throw MethodError("\(method): the attention '\(first)' is \(shape) for \(batch) image(s): windowed attention (Swin, MaxViT) has no token sequence over the whole image to roll out; use grad-cam there")
    }
    for name in attention where shapes[name] != shape {
      throw MethodError("\(method): the attention blocks differ in shape (\(shape) at '\(first)', \(shapes[name] ?? []) at '\(name)'); rollout needs one token sequence through every block (ViT, DeiT)")
    }
    return (attention, shape[1], shape[2])
  }
}
