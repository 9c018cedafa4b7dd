// Typed attribute look-ups on a node, so callers need not switch over ONNXAttribute each time.
// Each returns nil when the attribute is absent or has another type.

extension ONNXNode {
  public func intAttribute(_ name: String) -> Int? {
    if case .int(let value)? = attributes[name] { return value }
    return nil
  }

  public func floatAttribute(_ name: String) -> Float? {
    switch attributes[name] {
    case .float(let value)?: return value
    case .int(let value)?: return Float(value)
    default: return nil
    }
  }

  public func stringAttribute(_ name: String) -> String? {
    if case .string(let value)? = attributes[name] { return value }
    return nil
  }

  public func intsAttribute(_ name: String) -> [Int]? {
    if case .ints(let values)? = attributes[name] { return values }
    return nil
  }

  public func tensorAttribute(_ name: String) -> ONNXConstant? {
    if case .tensor(let value)? = attributes[name] { return value }
    return nil
  }
}
