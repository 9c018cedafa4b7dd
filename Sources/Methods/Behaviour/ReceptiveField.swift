import Engine

/// Where a unit of a feature map looks in the input: along each axis (rows, columns), unit i covers
/// input pixels `first + i·jump ..< first + i·jump + size` (may run past the image edges).
public struct ReceptiveField: Sendable, Equatable {
  /// Window size in input pixels, [rows, columns].
  public var size: [Int]
  /// Distance in input pixels between neighbouring units, [rows, columns].
  public var jump: [Int]
  /// First input pixel of unit 0's window (negative where padding came first), [rows, columns].
  public var first: [Int]

  public static let identity = ReceptiveField(size: [1, 1], jump: [1, 1], first: [0, 0])

  /// The window of unit (row, column) as (top, left, height, width) in input pixels.
  public func window(row: Int, column: Int) -> (top: Int, left: Int, height: Int, width: Int) {
    (first[0] + row * jump[0], first[1] + column * jump[1], size[0], size[1])
  }

  /// Through a sliding window of `kernel` with `stride`, `dilation` and `padBegin` (Araujo et al.
  /// 2019, "Computing receptive fields of CNNs", eqs. 1-2): effective kernel k' = d·(k − 1) + 1,
  /// size += (k' − 1)·jump, first −= padBegin·jump, jump ·= stride.
  func through(kernel: [Int], stride: [Int], dilation: [Int], padBegin: [Int]) -> ReceptiveField {
    var next = self
    for axis in 0..<2 {
      let effective = dilation[axis] * (kernel[axis] - 1) + 1
      next.size[axis] = size[axis] + (effective - 1) * jump[axis]
      next.first[axis] = first[axis] - padBegin[axis] * jump[axis]
      next.jump[axis] = jump[axis] * stride[axis]
    }
    return next
  }

  /// The union of fields that meet in an element-wise op (a residual add): the widest window,
  /// starting earliest; the jumps must agree.
  static func merge(_ fields: [ReceptiveField]) -> ReceptiveField? {
    guard var merged = fields.first else { return nil }
    for field in fields.dropFirst() {
      for axis in 0..<2 {
        let end = max(merged.first[axis] + merged.size[axis], field.first[axis] + field.size[axis])
        merged.first[axis] = min(merged.first[axis], field.first[axis])
        merged.size[axis] = end - merged.first[axis]
        merged.jump[axis] = max(merged.jump[axis], field.jump[axis])
      }
    }
    return merged
  }
}

/// Receptive fields of every 4-D tensor of a network, from its conv/pool chain.
public enum ReceptiveFieldAnalysis {
  /// The receptive field of tensor `layer` ([N, C, h, w]) for an input of `inputShape`.
  /// Ops with a sliding window (Conv, MaxPool/AveragePool) and Pad change the field; ops that keep
  /// the spatial size (activations, batch norm, element-wise arithmetic with broadcasts, concat) pass the union of
  /// their spatial inputs' fields; global pooling covers the whole input. Anything else that
  /// changes the spatial size (Resize, Reshape back to 4-D) is an error naming the node.
  public static func field(of layer: String, in network: Network, inputShape: [Int]) throws -> ReceptiveField {
    let shapes = try network.shapes(forInput: inputShape)
    var fields: [String: ReceptiveField] = [network.inputName: .identity]
    for node in network.nodes {
      // The 4-D inputs with the largest spatial size: a [N, C, 1, 1] operand broadcast over a
      // feature map (squeeze-excitation's gate) scales it without widening where units look.
      let fourD = node.inputs.filter { shapes[$0]?.count == 4 && fields[$0] != nil }
      let largest = fourD.map { (shapes[$0] ?? [])[2...].reduce(1, *) }.max() ?? 0
      let spatialNames = fourD.filter { (shapes[$0] ?? [])[2...].reduce(1, *) == largest }
      guard let incoming = ReceptiveField.merge(spatialNames.compactMap { fields[$0] }), let firstSpatial = spatialNames.first else { continue }
      let inputSpatial = Array((shapes[firstSpatial] ?? [0, 0, 0, 0]).dropFirst(2))
      var field: ReceptiveField
      if let window = node.op.window {
        field = incoming.through(kernel: window.kernel, stride: window.strides, dilation: window.dilations,
                                 padBegin: window.pads(for: inputSpatial).begin)
      } else if let pad = node.op as? Pad {  // its pads shift where unit 0 looks
        field = incoming
        if pad.pads.count == 8 {
          for axis in 0..<2 { field.first[axis] -= pad.pads[2 + axis] * incoming.jump[axis] }
        }
      } else if node.op.isGlobalPool {
        field = whole(inputShape)
      } else {
        field = incoming
        for output in node.outputs {
          if let shape = shapes[output], shape.count == 4, inputSpatial.count == 2, Array(shape.dropFirst(2)) != inputSpatial,
             !(shape[2] == 1 && shape[3] == 1) {
            throw MethodError("cannot follow the receptive field through node '\(node.name)' (\(node.op.typeName)): it changes the spatial size")
          }
        }
      }
      for output in node.outputs { fields[output] = field }
    }
    guard let shape = shapes[layer] else {
      let suggestions = closestNames(to: layer, in: network.tensorNames, count: 3)
      throw MethodError("no tensor named '\(layer)' in the network; closest: \(suggestions.joined(separator: ", "))")
    }
    guard shape.count == 4, let field = fields[layer] else {
      throw MethodError("layer '\(layer)' has shape \(shape), not a feature map [N, C, h, w] with a receptive field")
    }
    return field
  }

  static func whole(_ inputShape: [Int]) -> ReceptiveField {
    ReceptiveField(size: [inputShape[2], inputShape[3]], jump: [inputShape[2], inputShape[3]], first: [0, 0])
  }
}
