import Engine
import ONNXFormat

/// Builders for normalisations, element-wise math, comparisons and masks (ONNX opsets 13-21).
extension OpBuilders {
  /// LayerNormalization (opset 17): axis (default −1) must name an axis of the input; Scale and the
  /// optional B are constants; the optional Mean / InvStdDev outputs are computed when wired.
  static let layerNormalization: Builder = { context in
    let x = try context.activation()
    let rank = try context.inputShape(0).count
    let axis = context.int("axis", default: -1)
    guard axis >= -rank && axis < rank else {
      throw context.error("axis \(axis) is out of range for an input of rank \(rank) (expected \(-rank)...\(rank - 1))")
    }
    let scale = try context.constant(1, "scale"), bias = try context.optionalConstant(2, "bias")
    let outputs = (context.node.outputs.lastIndex { !$0.isEmpty } ?? 0) + 1
    let op = LayerNormalization(axis: axis, epsilon: context.float("epsilon", default: 1e-5), scale: Tensor(scale),
                                bias: bias.map { Tensor($0) }, outputCount: min(outputs, 3))
    return BuiltOp(op: op, inputs: [x], outputCount: min(outputs, 3))
  }

  static let instanceNormalization: Builder = { context in
    let op = try InstanceNormalization(scale: try context.constant(1, "scale").floatValues,
                                       bias: try context.constant(2, "bias").floatValues,
                                       epsilon: context.float("epsilon", default: 1e-5))
    return BuiltOp(op: op, inputs: [try context.activation()])
  }

  static let gelu: Builder = { context in
    let name = context.node.stringAttribute("approximate") ?? "none"
    guard let approximation = Gelu.Approximation(rawValue: name) else {
      throw context.error("approximate '\(name)' is not supported (none, tanh)")
    }
    return BuiltOp(op: Gelu(approximation: approximation), inputs: [try context.activation()])
  }

  /// Softmax / LogSoftmax: one axis (default −1) from opset 13; before, x[axis...] (default axis 1)
  /// flattened into one row. The last axis written as rank − 1 becomes −1, so that the op's traits
  /// (`softmaxOverLastAxis`: attention over the keys) hold for it too.
  static func softmax(logarithmic: Bool) -> Builder {
    unary { context in
      var axis = context.int("axis", default: context.opset >= 13 ? -1 : 1)
      if let rank = try? context.inputShape(0).count, axis == rank - 1 { axis = -1 }
      return context.opset >= 13
        ? Softmax(axis: axis, logarithmic: logarithmic)
        : Softmax(axis: axis, logarithmic: logarithmic, coercedTo2D: true)
    }
  }

  /// Min, Max, Sum: ONNX allows any number of inputs; one is the identity, two the element-wise op.
  static func variadic(_ kind: BinaryArithmetic.Kind, _ name: String) -> Builder {
    { context in
      let inputs = context.node.inputs.filter { !$0.isEmpty }
      switch inputs.count {
      case 1: return BuiltOp(op: Identity(typeName: name), inputs: inputs)
      case 2: return BuiltOp(op: BinaryArithmetic(kind), inputs: inputs)
      default: throw context.error("\(inputs.count) inputs are not supported (1 or 2)")
      }
    }
  }

  static let mod: Builder = { context in
    BuiltOp(op: BinaryArithmetic(context.int("fmod", default: 0) != 0 ? .fmod : .mod), inputs: try context.requiredInputs("A", "B"))
  }

  static func comparison(_ kind: Comparison.Kind) -> Builder {
    { context in BuiltOp(op: Comparison(kind), inputs: try context.requiredInputs("A", "B")) }
  }

  static let whereBuilder: Builder = { context in
    BuiltOp(op: Where(), inputs: try context.requiredInputs("condition", "X", "Y"))
  }

  static let cast: Builder = { context in
    guard let code = context.node.intAttribute("to") else { throw context.error("attribute 'to' is required") }
    guard let kind = CastKind(typeCode: code) else {
      throw context.error("cast to type code \(code) is not supported (floating, integer and bool types)")
    }
    let target: Cast.Target = kind == .floating ? .float : (kind == .bool ? .bool : .integer)
    return BuiltOp(op: Cast(to: target), inputs: [try context.activation()])
  }
}
