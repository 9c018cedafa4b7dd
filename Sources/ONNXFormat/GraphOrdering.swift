// Checks the wiring of a graph (every input produced once, no duplicate producers) and orders the
// nodes topologically with Kahn's algorithm. Among nodes that are ready at the same time the one
// earliest in the file runs first, so the order is deterministic and a sorted file stays as it is.

enum GraphOrdering {
  /// `nodes` in topological order. `available` holds the initializer and graph input names.
  static func sorted(_ nodes: [ONNXNode], available: Set<String>) throws -> [ONNXNode] {
    var producerOf: [String: Int] = [:]
    for (index, node) in nodes.enumerated() {
      for output in node.outputs where !output.isEmpty {
        if available.contains(output) || producerOf[output] != nil {
          throw ONNXFormatError(.duplicateOutput(tensor: output, producer: "node '\(node.name)' (\(node.opType))"))
        }
        producerOf[output] = index
      }
    }

    // unmetInputs[i]: inputs of node i still waiting for their producer node (one per occurrence).
    var unmetInputs = [Int](repeating: 0, count: nodes.count)
    var consumers = [[Int]](repeating: [], count: nodes.count)
    for (index, node) in nodes.enumerated() {
      for input in node.inputs where !input.isEmpty {
        if let producer = producerOf[input] {
          unmetInputs[index] += 1
          consumers[producer].append(index)
        } else if !available.contains(input) {
          throw ONNXFormatError(.missingInput(node: node.name, opType: node.opType, tensor: input))
        }
      }
    }

    var ready = IndexMinHeap()
    for index in nodes.indices where unmetInputs[index] == 0 { ready.insert(index) }
    var order: [Int] = []
    order.reserveCapacity(nodes.count)
    while let index = ready.popMin() {
      order.append(index)
      for consumer in consumers[index] {
        unmetInputs[consumer] -= 1
        if unmetInputs[consumer] == 0 { ready.insert(consumer) }
      }
    }
    if order.count < nodes.count {
      let onCycle = nodeOnCycle(nodes, unmetInputs: unmetInputs, producerOf: producerOf)
      throw ONNXFormatError(.cycle(node: nodes[onCycle].name, opType: nodes[onCycle].opType))
    }
    return order.map { nodes[$0] }
  }

  /// A node that lies on a cycle. Every node left unsorted has an unsorted producer; walking
  /// from producer to producer must revisit a node, and the first revisited one is on a cycle.
  private static func nodeOnCycle(_ nodes: [ONNXNode], unmetInputs: [Int], producerOf: [String: Int]) -> Int {
    guard var current = unmetInputs.firstIndex(where: { $0 > 0 }) else { return 0 }
    var visited: Set<Int> = []
    while visited.insert(current).inserted {
      let unsortedProducer = nodes[current].inputs.lazy
        .compactMap { producerOf[$0] }
        .first { unmetInputs[$0] > 0 }
      guard let next = unsortedProducer else { return current }
      current = next
    }
    return current
  }
}

/// A binary min-heap of node indices (the ready set of Kahn's algorithm).
struct IndexMinHeap {
  private var items: [Int] = []

  mutating func insert(_ value: Int) {
    items.append(value)
    var child = items.count - 1
    while child > 0 {
      let parent = (child - 1) / 2
      guard items[child] < items[parent] else { break }
      items.swapAt(child, parent)
      child = parent
    }
  }

  mutating func popMin() -> Int? {
    guard let last = items.popLast() else { return nil }
    guard !items.isEmpty else { return last }
    let minimum = items[0]
    items[0] = last
    var parent = 0
    while true {
      let left = 2 * parent + 1, right = left + 1
      var smallest = parent
      if left < items.count, items[left] < items[smallest] { smallest = left }
      if right < items.count, items[right] < items[smallest] { smallest = right }
      if smallest == parent { break }
      items.swapAt(parent, smallest)
      parent = smallest
    }
    return minimum
  }
}
