import Foundation

/// y = eˣ; dy/dx = y.
public final class Exp: UnaryFunction, @unchecked Sendable {
  public init() { super.init("Exp", { exp($0) }, gradient: { _, y, dy in dy * y }) }
}
