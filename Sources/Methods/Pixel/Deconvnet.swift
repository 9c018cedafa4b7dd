import Engine

/// Deconvnet (Zeiler & Fergus 2014): the input gradient with ReLU-like units passing only positive
/// incoming gradients, ignoring the forward mask (Springenberg et al. 2014, Fig. 1).
public enum DeconvnetRule: GradientRule {
  public static let name = "deconvnet"
  public static let summary = "Deconvnet signal: gradients through ReLUs keep only their positive part (Zeiler & Fergus 2014)."
  public static let relu = ReluRule.deconvnet
}

public typealias Deconvnet = RuleGradient<DeconvnetRule>
