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

  /// Bytes needed to hold every tensor of `shapes` (the native blocked layout pads channels to its block width), or nil on overflow.
  static func activationBytes(_ shapes: [String: [Int]]) -> Int? {
    var total = 0
    for shape in shapes.values {
      var count = 1
      for (axis, dim) in shape.enumerated() {
        let padded = shape.count == 4 && axis == 1 ? Value.paddedChannels(dim) : dim
        let (product, overflow) = count.multipliedReportingOverflow(by: padded)
        if overflow { return nil }
        count = product
      }
      let (bytes, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<Float>.stride)
      if overflow { return nil }
      total = total.addingReportingOverflow(bytes).overflow ? Int.max : total + bytes
    }
    return total
  }

  /// Throws when a run over tensors of `shapes` would exceed the budget. A backward pass holds
  /// gradients alongside the activations (`factor` 2).
  static func check(_ shapes: [String: [Int]], batch: Int, factor: Int = 1) throws {
    let budget = bytes
    guard let activations = activationBytes(shapes), activations <= Int.max / max(factor, 1) else {
      throw EngineError("this run's tensors are too large to count (batch \(batch)); use a smaller input or batch")
    }
    let needed = activations * factor
    if needed > budget {
      // In MB below a gigabyte, so a small budget is not shown as "0.0 GB".
      let size = { (value: Int) in
        value < 1 << 30 ? "\((value + (1 << 20) - 1) >> 20) MB" : String(format: "%.1f GB", Double(value) / Double(1 << 30))
      }
      throw EngineError("this run needs about \(size(needed)) for batch \(batch), over the memory budget of \(size(budget)); lower the batch size or the input size, or set CONVLENS_MEMORY_BUDGET_MB")
    }
  }
}
