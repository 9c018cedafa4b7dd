/// y = 1/x; dy/dx = −y².
public final class Reciprocal: UnaryFunction, @unchecked Sendable {
  public init() { super.init("Reciprocal", { 1 / $0 }, gradient: { _, y, dy in -dy * y * y }) }
}
