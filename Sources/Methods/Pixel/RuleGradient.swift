import Engine

/// A ReLU rule of the backward pass shown as a method: its name and summary and which rule it is.
public protocol GradientRule: Sendable {
  static var name: String { get }
  static var summary: String { get }
  static var relu: ReluRule { get }
}

/// The signed input gradient under a ReLU rule (deconvnet, guided backprop), as a picture.
public struct RuleGradient<Rule: GradientRule>: VisualizationMethod {
  public static var name: String { Rule.name }
  public static var summary: String { Rule.summary }
  public var relu6 = true
  public var batch = 16
  public static var settings: [Setting<Self>] {
    [Setting("relu6", \.relu6, "apply the rule to Clip(0, 6) units too; false = captum's convention"),
     Setting("batch", \.batch, "images per backward pass", .atLeast(1))]
  }

  public init() {}

  public func run(_ context: MethodContext) throws -> MethodOutput {
    let rule = BackwardRule(relu: Rule.relu, appliesToClip: relu6)
    return try PixelAttributionRunner.run(context, method: Self.name, signed: true, reduction: .maxAbs, gradientImage: true,
                                          conventions: [Convention("rule", ruleDescription(rule, network: context.network))]) { classes in
      let result = try ScoreGradients.inputGradients(context.network, context.images, classes: classes, rule: rule, batch: batch)
      return (PixelAttributionRunner.split(result.gradients), [])
    }
  }
}
