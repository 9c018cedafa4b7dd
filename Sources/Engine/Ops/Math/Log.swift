import Foundation

/// y = ln x; dy/dx = 1/x.
public final class Log: UnaryFunction, @unchecked Sendable {
  public init() { super.init("Log", { log($0) }, gradient: { x, _, dy in dy / x }) }
}
