import Engine

/// Guided backpropagation (Springenberg et al. 2014): R_in = 1[f > 0] · 1[R > 0] · R at ReLU-like units.
public enum GuidedBackpropRule: GradientRule {
  public static let name = "guided-backprop"
  public static let summary = "Guided backpropagation: gradients through ReLUs masked by the forward and the backward sign (Springenberg 2014)."
  public static let relu = ReluRule.guided
}

public typealias GuidedBackprop = RuleGradient<GuidedBackpropRule>
