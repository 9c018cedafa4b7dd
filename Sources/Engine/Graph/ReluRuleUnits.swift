extension Network {
  /// The units whose backward a ReLU rule (guided, deconvnet) changes: Relu nodes, and Clip nodes with
  /// a lower bound of 0 (ReLU6 and the like) when the rule applies to clips. Captions name them, so a
  /// reader knows where the rule acted (a network without such units gets the plain gradient).
  public func reluRuleUnits(appliesToClip: Bool) -> (relu: Int, clip: Int) {
    let relu = nodes.filter { $0.op is Relu }.count
    let clip = appliesToClip ? nodes.filter { ($0.op as? Clip)?.isReluLike == true }.count : 0
    return (relu, clip)
  }
}
