import Engine

/// Attention rollout (Abnar & Zuidema 2020): how much the class token draws on each patch through every
/// block, from the attention probabilities alone (no class: the same map for every target).
public struct AttentionRollout: VisualizationMethod {
  public static let name = "attention-rollout"
  public static let summary = "Attention probabilities multiplied through the blocks, with the residual: the class token's flow from each patch (Abnar 2020)."
  public var heads: HeadFusion = .mean
  public var discard = 0.0
  public var tokens: TokenLayout?

  public static let settings: [Setting<AttentionRollout>] = [
    Setting("heads", \.heads, "how a block's heads become one matrix: mean, max or min"),
    Setting("discard", \.discard, "fraction of each fused matrix's lowest attentions set to 0 (never the class token's own)",
            .within(0.0..<1.0, "a fraction from 0 to below 1")),
    Setting("tokens", \.tokens, TokenLayout.sequenceHelp),
  ]

  public init() {}

  public func run(_ context: MethodContext) throws -> MethodOutput {
    let run = try AttentionRun(context, method: Self.name, layout: tokens)
    let classes = try ClassScores.resolve(context, scores: try run.trace.tensor(named: run.scoreName))
    var items: [LayerMaps.Item] = []
    for image in 0..<context.images.shape[0] {
      context.progress(Self.name, image, context.images.shape[0])
      let row = AttentionMath.rollout(run.attention(of: image), heads: run.heads, tokens: run.tokens, fusion: heads, discard: discard)
      items.append(.init(imageIndex: image, target: classes[0][image], map: run.map(row)))
    }
    return try run.output(Self.name, items: items, conventions: [
      Convention("heads", "\(heads.rawValue) over heads" + (discard > 0 ? ", lowest \(discard.settingText) of entries set to 0 (not the class token's own)" : "")),
      Convention("formula", "A' = (A + I)/2, rows renormalised; R = A'_L … A'_1; the class token's row of R"),
      Convention("class", "none: attention does not depend on the target (shown for the top class)"),
    ])
  }
}

extension HeadFusion: SettingChoice {}
