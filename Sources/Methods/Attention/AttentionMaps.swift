import Engine

/// What both attention methods share: the network's attention blocks found through their traits, one
/// forward pass that keeps their probabilities [N, heads, T, T], the patch grid the class token's row
/// is laid on, and the maps as `LayerMaps` on that grid (figures upsample them like CAM maps).
struct AttentionRun {
  let context: MethodContext
  let names: [String]
  let heads: Int
  let tokens: Int
  /// Prefix tokens (class, distillation, registers) and the patch grid [h, w] after them.
  let prefix: Int
  let grid: [Int]
  let trace: Trace
  let scoreName: String
  /// Each block's probabilities for the whole batch, [N, heads, T, T], read from the trace once.
  let probabilities: [Tensor]

  init(_ context: MethodContext, method: String, layout: TokenLayout?) throws {
    let imageShape = try context.validatedImageShape()
    let graph = try TransformerGraph(context.network, inputShape: imageShape)
    (names, heads, tokens) = try graph.requireGlobalAttention(for: method, batch: imageShape[0])
    (prefix, grid) = try FeatureGrid.tokenGrid(names[0], count: tokens, tokens: layout, patchGrid: graph.patchGrid)
    guard prefix >= 1 else {
      throw MethodError("\(method) reads the class token's row, but '\(names[0])' has \(tokens) tokens and no prefix token before its \(grid[0]) × \(grid[1]) grid; set `tokens: {prefix: P}` if the model has one")
    }
    self.context = context
    let trace = try context.network.forward(context.images)
    probabilities = try names.map { try trace.tensor(named: $0) }
    self.trace = trace
    scoreName = ClassScores.tensorName(context.network)
  }

  /// Image `image`'s probabilities of every block, [heads, T, T] each, block 1 first.
  func attention(of image: Int) -> [[Float]] {
    probabilities.map { $0.item(image).values }
  }

  /// The class token's row over the patch tokens [T] → a map [h, w].
  func map(_ row: [Double]) -> Tensor {
    Tensor(shape: grid, values: row[prefix...].map { Float($0) })
  }

  /// The maps as layer maps at the last block's attention, on the patch grid.
  func output(_ method: String, items: [LayerMaps.Item], conventions: [Convention]) throws -> MethodOutput {
    let size = try context.validatedImageShape()
    let maps = LayerMaps(layer: names[names.count - 1], layerShape: [1] + grid, inputSize: [size[2], size[3]], signed: false, items: items)
    return MethodOutput(.layerMaps(maps), conventions: [
      Convention("method", method),
      Convention("attention", "\(names.count) blocks × \(heads) heads of \(tokens) × \(tokens) softmax probabilities (\(names[0]) … \(names[names.count - 1]))"),
      Convention("tokens", "\(tokens) tokens → the class token's row over the \(grid[0]) × \(grid[1]) patch grid (\(prefix) prefix token\(prefix == 1 ? "" : "s") dropped)"),
    ] + conventions + [Convention("raw map", "on the \(grid[0])×\(grid[1]) patch grid, unnormalised")])
  }
}
