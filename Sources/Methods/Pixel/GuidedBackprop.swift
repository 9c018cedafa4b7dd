import Engine

/// Guided backpropagation (Springenberg et al. 2014): R_in = 1[f > 0] · 1[R > 0] · R at ReLU-like units.
public struct GuidedBackprop: VisualizationMethod {
  public static let name = "guided-backprop"
  public static let summary = "Guided backpropagation: gradients through ReLUs masked by the forward and the backward sign (Springenberg 2014)."
  public static let settingsHelp: [(String, String)] = [
    ("relu6", "apply the rule to Clip(0, 6) units too (default true; false = captum)"),
    ("batch", "images per backward pass (default 16)"),
  ]
  public var relu6 = true
  public var batch = 16

  public init() {}
  public init(from decoder: Decoder) throws {
    let settings = try SettingsReader(decoder, method: Self.name, known: Self.settingNames)
    relu6 = try settings.value("relu6", default: relu6)
    batch = try settings.value("batch", default: batch)
  }

  public func run(_ context: MethodContext) throws -> MethodOutput {
    try RuleGradient.run(context, method: Self.name, rule: BackwardRule(relu: .guided, appliesToClip: relu6), batch: batch)
  }
}
