/// ONNX Cast on a run-time tensor (the engine holds every tensor as float32):
/// - to a floating type: the identity (float16/bfloat16/double rounding is not modelled), and the
///   gradient passes through unchanged;
/// - to an integer type: truncation toward zero; to bool: x ≠ 0. Both are piecewise constant, so
///   no gradient flows back.
public final class Cast: Op, ExecutableOp, @unchecked Sendable {
  public enum Target: String, Sendable { case float, integer, bool }
  public let typeName = "Cast"
  public let target: Target
  /// Element by element; to a float type the values pass unchanged, as Identity.
  public var traits: OpTraits { target == .float ? .identity : .pointwise }
  public init(to target: Target) { self.target = target }

  public func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] { [inputShapes[0]] }

  func forward(_ inputs: [Value]) throws -> [Value] {
    switch target {
    case .float: return [inputs[0]]  // shares the buffer, as Identity: values are never written twice
    case .integer: return Elementwise.activation(inputs) { x in x.rounded(.towardZero) }
    case .bool: return Elementwise.activation(inputs) { x in x != 0 ? 1 : 0 }
    }
  }

  func backward(_ pass: BackwardPass) throws -> [Value?] {
    target == .float ? [pass.outputGradients[0]] : [nil]
  }
}
