/// Forward from a replaced tensor: only the part of a network downstream of one tensor runs again.
extension Trace {
  /// Tensor `name` recomputed for a batch in which tensor `replaced` is `replacement` [B, ...]: only
  /// the nodes downstream of `replaced` run (up to the one producing `name`), and every other tensor
  /// they read is item `item` of this trace, repeated B times (constants as they are). Ablation-CAM
  /// and channel masking re-score a batch of modified feature maps this way without rerunning the
  /// layers before them. Returns [B, ...], plain.
  public func tensor(named name: String, replacing replaced: String, with replacement: Tensor, item: Int) throws -> Tensor {
    guard let replacedShape = values[replaced]?.shape else { throw unknownTensor(replaced) }
    guard network.producer[name] != nil else { throw unknownTensor(name) }
    guard item >= 0, item < (replacedShape.first ?? 0) else {
      throw EngineError("item \(item) is out of range for tensor '\(replaced)' of shape \(replacedShape)")
    }
    let batch = replacement.shape.first ?? 0
    // The batch run's tensors: the replacement, what the downstream nodes make, and repeated trace items.
    var batchValues: [String: Value] = [replaced: Value(replacement)]
    var downstream: Set<String> = [replaced]
    for (index, node) in network.nodes.enumerated() where node.inputs.contains(where: downstream.contains) {
      var inputs: [Value] = []
      for input in node.inputs {
        if let value = batchValues[input] {
          inputs.append(value)
        } else if let constant = network.constantValues[input] {
          inputs.append(constant)
        } else if input.isEmpty {
          inputs.append(Value(zeros: [0]))
        } else {
          let repeated = Value(Tensor.batch(Array(repeating: try tensor(named: input).item(item), count: batch)))
          batchValues[input] = repeated
          inputs.append(repeated)
        }
      }
      for (output, value) in zip(node.outputs, try network.forward(node: index, inputs)) {
        batchValues[output] = value
        downstream.insert(output)
      }
      if node.outputs.contains(name) { break }
    }
    guard downstream.contains(name), let result = batchValues[name] else {
      throw EngineError("tensor '\(name)' does not depend on tensor '\(replaced)'")
    }
    return try result.tensor()
  }
}

extension Network {
  /// Runs node `index` alone on `inputs`, naming the node in any error.
  func forward(node index: Int, _ inputs: [Value]) throws -> [Value] {
    do {
      return try executables[index].forward(inputs)
    } catch let error as EngineError {
      throw EngineError("node '\(nodes[index].name)' (\(nodes[index].op.typeName)): \(error.description)")
    }
  }
}
