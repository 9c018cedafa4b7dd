/// ONNX Not on a run-time mask: y = 1 where x = 0, else 0. No gradient (a mask).
public final class Not: ElementwiseActivation, @unchecked Sendable {
  public let typeName = "Not"
  public init() {}
  public func forward(_ inputs: [Value]) throws -> [Value] {
    Elementwise.activation(inputs) { x in x == 0 ? 1 : 0 }
  }
  public func backward(_ pass: BackwardPass) throws -> [Value?] { [nil] }
}
