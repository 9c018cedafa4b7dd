import Engine

/// Deconvnet (Zeiler & Fergus 2014): the input gradient with ReLU-like units passing only positive
/// incoming gradients, ignoring the forward mask (Springenberg et al. 2014, Fig. 1).
public struct Deconvnet: VisualizationMethod {
  public static let name = "deconvnet"
  public static let summary = "Deconvnet signal: gradients through ReLUs keep only their positive part (Zeiler & Fergus 2014)."
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
    try RuleGradient.run(context, method: Self.name, rule: BackwardRule(relu: .deconvnet, appliesToClip: relu6), batch: batch)
  }
}

/// Shared by deconvnet and guided backprop: the signed input gradient under a ReLU rule.
enum RuleGradient {
  static func run(_ context: MethodContext, method: String, rule: BackwardRule, batch: Int) throws -> MethodOutput {
    try PixelAttributionRunner.run(context, method: method, signed: true, reduction: .maxAbs, gradientImage: true,
                                   conventions: [Convention("rule", ruleDescription(rule))]) { classes in
      let result = try ScoreGradients.inputGradients(context.network, context.images, classes: classes, rule: rule, batch: batch)
      return (PixelAttributionRunner.split(result.gradients), [])
    }
  }
}
