/// The error `body` throws, as its one-line description, or nil when it throws nothing.
func thrownMessage(_ body: () throws -> Void) -> String? {
  do {
    try body()
    return nil
  } catch {
    return "\(error)"
  }
}
