import Foundation

/// y = tanh(x); dy/dx = 1 − y².
public final class Tanh: UnaryFunction, @unchecked Sendable {
  public init() { super.init("Tanh", { tanh($0) }, gradient: { _, y, dy in dy * (1 - y * y) }) }
}
