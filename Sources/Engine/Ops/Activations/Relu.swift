/// y = max(x, 0). Backward follows the pass's ReLU rule (standard, guided, deconvnet), with the mask
/// taken from y (y > 0 ⟺ x > 0), so gradient runs may fuse it into the convolution before it.
public final class Relu: ElementwiseActivation, ExecutableOp, GradientFromOutput, @unchecked Sendable {
  public let typeName = "Relu"
  public let traits: OpTraits = .pointwise
  public init() {}
  func forward(_ inputs: [Value]) throws -> [Value] {
    Elementwise.activation(inputs) { x in max(x, 0) }
  }
  func backward(_ pass: BackwardPass) throws -> [Value?] {
    try Elementwise.reluFamilyGradient(pass, low: 0, high: .infinity, rule: pass.rule.relu)
  }
}
