/// y = min(max(x, low), high); ReLU6 is Clip(0, 6).
/// Backward: the gradient passes where low < x < high, read from the output as low < y < high (the
/// same set: see `ReluFamilyGradient`), so gradient runs may fuse it into the convolution before it.
/// When low == 0 (a ReLU-like unit) and the rule applies to clips (ConvLens's default, `relu6: true`),
/// the ReLU rule uses that mask: guided = 1[0 < x < 6]·1[g > 0]·g, deconvnet = max(g, 0).
public final class Clip: ElementwiseActivation, ExecutableOp, GradientFromOutput, @unchecked Sendable {
  public let typeName = "Clip"
  public let traits: OpTraits = .pointwise
  public let low: Float
  public let high: Float
  public init(low: Float = -.infinity, high: Float = .infinity) {
    self.low = low
    self.high = high
  }
  var isReluLike: Bool { low == 0 }
  func forward(_ inputs: [Value]) throws -> [Value] {
    Elementwise.activation(inputs) { x in min(max(x, low), high) }
  }
  func backward(_ pass: BackwardPass) throws -> [Value?] {
    let rule = isReluLike && pass.rule.appliesToClip ? pass.rule.relu : .standard
    return try Elementwise.reluFamilyGradient(pass, low: low, high: high, rule: rule)
  }
}
