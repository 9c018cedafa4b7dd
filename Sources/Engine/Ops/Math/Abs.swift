/// y = |x|; dy/dx = sign(x) (0 at 0, as torch).
public final class Abs: UnaryFunction, @unchecked Sendable {
  public init() { super.init("Abs", { abs($0) }, gradient: { x, _, dy in x > 0 ? dy : (x < 0 ? -dy : 0) }) }
}
