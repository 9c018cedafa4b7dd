import Engine

/// Gradient-weighted attention relevance (Chefer, Gur & Wolf 2021, "Generic attention-model
/// explainability", eq. 5-6): each block's attention weighted by the class score's gradient, positive
/// parts averaged over heads, accumulated with the residual: R ← R + Ā·R from R = I.
public struct AttentionGradient: VisualizationMethod {
  public static let name = "attention-gradient"
  public static let summary = "Attention weighted by its class-score gradient, accumulated through the blocks (Chefer 2021)."
  public var tokens: TokenLayout?

  public static let settings: [Setting<AttentionGradient>] = [
    Setting("tokens", \.tokens, TokenLayout.sequenceHelp),
  ]

  public init() {}

  public func run(_ context: MethodContext) throws -> MethodOutput {
    let run = try AttentionRun(context, method: Self.name, layout: tokens)
    let classes = try ClassScores.resolve(context, scores: try run.trace.tensor(named: run.scoreName))
    let shape = try run.trace.shape(of: run.scoreName)
    let attention = (0..<context.images.shape[0]).map { run.attention(of: $0) }  // per image, per block
    var items: [LayerMaps.Item] = []
    for (targetIndex, perImage) in classes.enumerated() {
      context.progress(Self.name, targetIndex, classes.count)
      let seed = try Trace.oneHotSeed(shape: shape, classes: perImage.map(\.index))
      let gradients = try run.trace.backward(seed: seed, at: run.scoreName, to: run.names)  // [N, heads, T, T] each
      for (image, info) in perImage.enumerated() {
        let gradient = run.names.map { name in gradients[name].map { $0.item(image).values } ?? [Float](repeating: 0, count: attention[image][0].count) }
        let row = AttentionMath.gradientRollout(attention[image], gradients: gradient, heads: run.heads, tokens: run.tokens)
        items.append(.init(imageIndex: image, target: info, map: run.map(row)))
      }
    }
    items = (0..<context.images.shape[0]).flatMap { image in items.filter { $0.imageIndex == image } }
    return try run.output(Self.name, items: items, conventions: ClassScores.targetConventions(context, classes) + [
      Convention("formula", "Ā = mean_h ReLU(∇A ⊙ A), ∇A = ∂y^c/∂A; R ← R + Ā·R from R = I; the class token's row of R"),
    ])
  }
}
