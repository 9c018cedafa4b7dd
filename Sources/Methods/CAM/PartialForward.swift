import Engine

/// Runs only the part of a network downstream of one tensor, with that tensor replaced, taking
/// every other tensor the downstream nodes read from an earlier trace of one image. Ablation-CAM
/// uses it to re-score a batch of modified feature maps without recomputing the layers before them.
enum PartialForward {
  /// Scores [B, K] with tensor `layer` replaced by `replacement` [B, ...]; other inputs come from item
  /// `imageIndex` of `trace`, repeated B times.
  static func scores(_ network: Network, trace: Trace, imageIndex: Int, layer: String, replacement: Tensor,
                     scoreName: String) throws -> Tensor {
    let batch = replacement.shape[0]
    var values: [String: Value] = [layer: Value(replacement)]
    var downstream: Set<String> = [layer]
    for node in network.nodes where node.inputs.contains(where: downstream.contains) {
      var inputs: [Value] = []
      for name in node.inputs {
        if let value = values[name] {
          inputs.append(value)
        } else if let constant = network.constants[name] {
          inputs.append(Value(constant))
        } else if name.isEmpty {
          inputs.append(Value(zeros: [0]))
        } else {
          let item = try trace.tensor(named: name).item(imageIndex)
          let repeated = Value(Tensor.batch(Array(repeating: item, count: batch)))
          values[name] = repeated
          inputs.append(repeated)
        }
      }
      let outputs = try node.op.forward(inputs)
      for (name, value) in zip(node.outputs, outputs) {
        values[name] = value
        downstream.insert(name)
      }
      if node.outputs.contains(scoreName) { break }
    }
    guard let scores = values[scoreName] else {
      throw MethodError("the scores '\(scoreName)' do not depend on layer '\(layer)'")
    }
    return try scores.tensor()
  }
}
