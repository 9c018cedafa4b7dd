/// ONNX Not on a run-time mask: y = 1 where x = 0, else 0. No gradient (a mask).
public final class Not: ElementwiseActivation, ExecutableOp, @unchecked Sendable {
  public let typeName = "Not"
  public let traits: OpTraits = .pointwise
  public init() {}
  func forward(_ inputs: [Value]) throws -> [Value] {
    Elementwise.activation(inputs) { x in x == 0 ? 1 : 0 }
  }
  func backward(_ pass: BackwardPass) throws -> [Value?] { [nil] }
}
