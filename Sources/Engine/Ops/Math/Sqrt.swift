/// y = √x (NaN for x < 0, as IEEE); dy/dx = 1 / (2y).
public final class Sqrt: UnaryFunction, @unchecked Sendable {
  public init() { super.init("Sqrt", { $0.squareRoot() }, gradient: { _, y, dy in dy / (2 * y) }) }
}
