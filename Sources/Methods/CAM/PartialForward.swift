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
    return plainTensor(scores)
  }

  /// A value in plain row-major order; the blocked layout is undone with its documented formula:
  /// element (n, c, h, w) at ((n·⌈C/16⌉ + c/16)·H·W + h·W + w)·16 + c%16.
  static func plainTensor(_ value: Value) -> Tensor {
    // Keep the buffer alive while reading through its raw pointer (buffers return to a pool on release).
    withExtendedLifetime(value.buffer) { plainValues(value) }
  }

  private static func plainValues(_ value: Value) -> Tensor {
    let pointer = value.buffer.pointer
    guard value.layout == .blocked16 else {
      return Tensor(shape: value.shape, values: Array(UnsafeBufferPointer(start: pointer, count: value.count)))
    }
    let (n, c, h, w) = (value.shape[0], value.shape[1], value.shape[2], value.shape[3])
    let blocks = Value.paddedChannels(c) / Value.blockSize, plane = h * w
    var out = [Float](repeating: 0, count: value.count)
    for item in 0..<n {
      for channel in 0..<c {
        let base = ((item * blocks + channel / Value.blockSize) * plane) * Value.blockSize + channel % Value.blockSize
        for position in 0..<plane { out[(item * c + channel) * plane + position] = pointer[base + position * Value.blockSize] }
      }
    }
    return Tensor(shape: value.shape, values: out)
  }
}
