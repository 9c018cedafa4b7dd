/// y = −x; dy/dx = −1.
public final class Neg: UnaryFunction, @unchecked Sendable {
  public init() { super.init("Neg", { -$0 }, gradient: { _, _, dy in -dy }) }
}
