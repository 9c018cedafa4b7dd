import Foundation

/// How much memory a run may take. A forward pass keeps every tensor (methods look them up and
/// differentiate through them), so a large batch or input can need many gigabytes: the engine
/// estimates the peak before allocating anything and refuses runs above the budget.
public enum MemoryBudget {
  /// Default: half the physical memory, or `CONVLENS_MEMORY_BUDGET_MB` when set.
  public static var bytes: Int {
    if let text = ProcessInfo.processInfo.environment["CONVLENS_MEMORY_BUDGET_MB"], let megabytes = Int(text), megabytes > 0 {
      return megabytes.multipliedReportingOverflow(by: 1 << 20).overflow ? Int.max : megabytes << 20
    }
    return Int(clamping: ProcessInfo.processInfo.physicalMemory / 2)
  }

  /// Bytes of one tensor (the native blocked layout pads 4-D channels to its block width), or nil on overflow.
  static func bytes(of shape: [Int]) -> Int? {
    var count = 1
    for (axis, dim) in shape.enumerated() {
      let padded = shape.count == 4 && axis == 1 ? Value.paddedChannels(dim) : dim
      let (product, overflow) = count.multipliedReportingOverflow(by: padded)
      if overflow { return nil }
      count = product
    }
    let (bytes, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<Float>.stride)
    return overflow ? nil : bytes
  }

  /// Bytes needed to hold every tensor of `shapes`, or nil on overflow.
  static func activationBytes(_ shapes: [String: [Int]]) -> Int? {
    var total = 0
    for shape in shapes.values {
      guard let bytes = bytes(of: shape) else { return nil }
      total = total.addingReportingOverflow(bytes).overflow ? Int.max : total + bytes
    }
    return total
  }

  /// The most bytes a forward-only run holds at once: the input and constants, then each node's
  /// outputs from that node until their last reader, as the run's release plan frees them (aliases
  /// such as reshapes counted as copies, so the estimate errs high). nil on overflow.
  static func forwardOnlyPeak(of network: Network, shapes: [String: [Int]]) -> Int? {
    let program = network.program
    var sizes = [Int](repeating: 0, count: program.names.count)
    for (slot, name) in program.names.enumerated() {
      guard let bytes = bytes(of: shapes[name] ?? []) else { return nil }
      sizes[slot] = bytes
    }
    func add(_ a: Int, _ b: Int) -> Int { a.addingReportingOverflow(b).overflow ? Int.max : a + b }
    var live = sizes[0]
    for (slot, _) in network.constantSlots { live = add(live, sizes[slot]) }
    var peak = live
    for index in network.nodes.indices {
      for slot in program.outputs[index] where slot >= 0 { live = add(live, sizes[slot]) }
      peak = max(peak, live)
      if live == Int.max { return nil }
      for slot in program.releases[index] { live -= sizes[slot] }
    }
    return peak
  }

  /// Throws when a run over tensors of `shapes` would exceed the budget. A backward pass holds
  /// gradients alongside the activations (`factor` 2).
  static func check(_ shapes: [String: [Int]], batch: Int, factor: Int = 1) throws {
    guard let activations = activationBytes(shapes), activations <= Int.max / max(factor, 1) else {
      throw EngineError("this run's tensors are too large to count (batch \(batch)); use a smaller input or batch")
    }
    try check(bytes: activations * factor, batch: batch)
  }

  /// Throws when `needed` bytes exceed the budget (nil: too large to count).
  static func check(bytes needed: Int?, batch: Int) throws {
    let budget = bytes
    guard let needed else {
      throw EngineError("this run's tensors are too large to count (batch \(batch)); use a smaller input or batch")
    }
    if needed > budget {
      // In MB below a gigabyte, so a small budget is not shown as "0.0 GB".
      let size = { (value: Int) in
        value < 1 << 30 ? "\((value + (1 << 20) - 1) >> 20) MB" : String(format: "%.1f GB", Double(value) / Double(1 << 30))
      }
      throw EngineError("this run needs about \(size(needed)) for batch \(batch), over the memory budget of \(size(budget)); lower the batch size or the input size, or set CONVLENS_MEMORY_BUDGET_MB")
    }
  }
}
