/// An element-wise y = f(x) whose backward needs only x, y and the incoming gradient: the unary math
/// ops (Abs, Erf, Exp, Log, Tanh) are subclasses that name the function and its derivative side by side.
public class UnaryFunction: ElementwiseActivation, ExecutableOp, @unchecked Sendable {
  public let typeName: String
  public let traits: OpTraits = .pointwise
  /// f(x)
  let function: @Sendable (Float) -> Float
  /// (x, y, ∂L/∂y) → ∂L/∂x = f'(x) · ∂L/∂y
  let gradient: @Sendable (Float, Float, Float) -> Float

  init(_ typeName: String, _ function: @escaping @Sendable (Float) -> Float,
       gradient: @escaping @Sendable (Float, Float, Float) -> Float) {
    (self.typeName, self.function, self.gradient) = (typeName, function, gradient)
  }

  func forward(_ inputs: [Value]) throws -> [Value] { Elementwise.activation(inputs, function) }
  func backward(_ pass: BackwardPass) throws -> [Value?] { try Elementwise.activationGradient(pass, gradient) }
}
