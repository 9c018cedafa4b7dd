extension Network {
  /// The units a ReLU rule (guided, deconvnet) can change: Relu nodes, and Clip nodes with a lower
  /// bound of 0 (ReLU6 and the like), which the rule changes only when it applies to clips. Captions
  /// name them, so a reader knows where the rule acted (a network without such units gets the plain
  /// gradient).
  public var reluRuleUnits: (relu: Int, reluLikeClip: Int) {
    (nodes.filter { $0.op is Relu }.count, nodes.filter { ($0.op as? Clip)?.isReluLike == true }.count)
  }
}
