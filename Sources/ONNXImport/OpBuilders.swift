import Engine
import ONNXFormat

/// One builder per supported ONNX op type: reads the node's attributes and constant inputs (ONNX
/// defaults, opset differences) and makes the engine op. Registering an op is one line here.
enum OpBuilders {
  typealias Builder = @Sendable (NodeContext) throws -> BuiltOp

  static let table: [String: Builder] = [
    "Conv": conv, "BatchNormalization": batchNormalization,
    "Relu": unary { _ in Relu() }, "Sigmoid": unary { _ in Sigmoid() }, "Tanh": unary { _ in Tanh() },
    "HardSwish": unary { _ in HardSwish() }, "Clip": clip,
    "LeakyRelu": unary { LeakyRelu(alpha: $0.float("alpha", default: 0.01)) },
    "HardSigmoid": unary { HardSigmoid(alpha: $0.float("alpha", default: 0.2), beta: $0.float("beta", default: 0.5)) },
    "PRelu": prelu,
    "Add": binary(.add), "Sub": binary(.sub), "Mul": binary(.mul), "Div": binary(.div),
    "MaxPool": pool(.max), "AveragePool": pool(.average),
    "GlobalAveragePool": unary { _ in GlobalPool(.average) }, "GlobalMaxPool": unary { _ in GlobalPool(.max) },
    "Gemm": gemm, "MatMul": { BuiltOp(op: MatMul(), inputs: try $0.requiredInputs("A", "B")) },
    "Flatten": unary { Reshape(.flatten(axis: $0.int("axis", default: 1))) },
    "Reshape": reshape, "Transpose": unary { Transpose(permutation: $0.ints("perm")) },
    "Concat": { BuiltOp(op: Concat(axis: $0.int("axis", default: 0)), inputs: $0.node.inputs.filter { !$0.isEmpty }) },
    "Split": split, "Slice": slice, "Pad": pad,
    "ReduceMean": reduce(.mean), "ReduceSum": reduce(.sum), "ReduceMax": reduce(.max), "ReduceMin": reduce(.min),
    "ReduceL1": reduce(.l1), "ReduceL2": reduce(.l2), "ReduceSumSquare": reduce(.sumSquare),
    "Softmax": softmax(logarithmic: false), "LogSoftmax": softmax(logarithmic: true),
    "Dropout": unary { _ in Identity(typeName: "Dropout") }, "Identity": unary { _ in Identity() },
    "LRN": lrn, "LayerNormalization": layerNormalization, "InstanceNormalization": instanceNormalization,
    "Erf": unary { _ in Erf() }, "Gelu": gelu, "Sqrt": unary { _ in Sqrt() }, "Exp": unary { _ in Exp() },
    "Log": unary { _ in Log() }, "Abs": unary { _ in Abs() }, "Neg": unary { _ in Neg() },
    "Reciprocal": unary { _ in Reciprocal() }, "Softplus": unary { _ in Softplus() },
    "Ceil": unary { _ in Rounding(.ceil) }, "Floor": unary { _ in Rounding(.floor) },
    "Round": unary { _ in Rounding(.round) }, "Sign": unary { _ in Rounding(.sign) },
    "Pow": binary(.pow), "Mod": mod, "Min": variadic(.min, "Min"), "Max": variadic(.max, "Max"), "Sum": variadic(.add, "Sum"),
    "Equal": comparison(.equal), "Less": comparison(.less), "LessOrEqual": comparison(.lessOrEqual),
    "Greater": comparison(.greater), "GreaterOrEqual": comparison(.greaterOrEqual),
    "And": comparison(.and), "Or": comparison(.or), "Xor": comparison(.xor),
    "Not": unary { _ in Not() }, "Where": whereBuilder, "Cast": cast,
    "Expand": expand, "Squeeze": squeeze, "Unsqueeze": unsqueeze, "Gather": gather, "Tile": tile,
    "ScatterND": scatterND, "Resize": resize, "Sin": unary { _ in Trigonometric(.sin) }, "Cos": unary { _ in Trigonometric(.cos) },
    "Einsum": einsum,
  ]

  /// An op on the first input only.
  static func unary(_ make: @escaping @Sendable (NodeContext) throws -> any Op) -> Builder {
    { context in BuiltOp(op: try make(context), inputs: [try context.activation()]) }
  }

  static func binary(_ kind: BinaryArithmetic.Kind) -> Builder {
    { context in BuiltOp(op: BinaryArithmetic(kind), inputs: try context.requiredInputs("A", "B")) }
  }

  static let conv: Builder = { context in
    let weights = try context.constant(1, "weights")
    if weights.shape.count == 3 { return try conv1D(context, weights) }
    guard weights.shape.count == 4 else {
      throw context.error("only 1-D and 2-D convolutions are supported (weights \(weights.shape))")
    }
    if let kernel = context.ints("kernel_shape"), kernel != Array(weights.shape[2...3]) {
      throw context.error("kernel_shape \(kernel) does not match the weights \(weights.shape)")
    }
    let bias = try context.optionalConstant(2, "bias")?.floatValues
    let op = try Conv(weights: Tensor(weights), bias: bias, strides: try context.pair("strides"),
                      dilations: try context.pair("dilations"), padding: try context.padding(),
                      group: context.int("group", default: 1))
    return BuiltOp(op: op, inputs: [try context.activation()])
  }

  /// A 1-D Conv (weights [M, C/group, k]): pads [begin, end], one stride and dilation.
  static func conv1D(_ context: NodeContext, _ weights: ONNXConstant) throws -> BuiltOp {
    let padding = try context.padding(spatialRank: 1)
    let stride = context.ints("strides") ?? [1], dilation = context.ints("dilations") ?? [1]
    guard stride.count == 1, dilation.count == 1 else { throw context.error("strides \(stride) and dilations \(dilation) must have one value for a 1-D Conv") }
    let op = try Conv1D(weights: Tensor(weights), bias: try context.optionalConstant(2, "bias")?.floatValues, stride: stride[0],
                        dilation: dilation[0], padding: padding, group: context.int("group", default: 1))
    return BuiltOp(op: op, inputs: [try context.activation()])
  }

  static let batchNormalization: Builder = { context in
    if context.int("training_mode", default: 0) != 0 { throw context.error("training_mode=1 is not supported (inference only)") }
    let op = try BatchNormalization(
      gamma: try context.constant(1, "scale").floatValues, beta: try context.constant(2, "bias").floatValues,
      mean: try context.constant(3, "mean").floatValues, variance: try context.constant(4, "variance").floatValues,
      epsilon: context.float("epsilon", default: 1e-5))
    return BuiltOp(op: op, inputs: [try context.activation()])
  }

  static let clip: Builder = { context in
    let low = try context.optionalConstant(1, "min")?.floatValues.first ?? context.node.floatAttribute("min") ?? -.infinity
    let high = try context.optionalConstant(2, "max")?.floatValues.first ?? context.node.floatAttribute("max") ?? .infinity
    return BuiltOp(op: Clip(low: low, high: high), inputs: [try context.activation()])
  }

  static let prelu: Builder = { context in
    let slope = try context.constant(1, "slope")
    guard slope.count == 1 || slope.shape.filter({ $0 != 1 }).count == 1 else {
      throw context.error("slope of shape \(slope.shape) is not supported (one value or one per channel)")
    }
    return BuiltOp(op: PRelu(slope: slope.floatValues), inputs: [try context.activation()])
  }

  static func pool(_ kind: Pool.Kind) -> Builder {
    { context in
      guard let kernel = context.ints("kernel_shape") else { throw context.error("kernel_shape is required") }
      if kind == .max, context.int("storage_order", default: 0) != 0 { throw context.error("storage_order=1 is not supported") }
      let op = try Pool(kind: kind, kernel: kernel, strides: try context.pair("strides"),
                        dilations: try context.pair("dilations"), padding: try context.padding(),
                        ceilMode: context.int("ceil_mode", default: 0) != 0,
                        countIncludePad: context.int("count_include_pad", default: 0) != 0)
      return BuiltOp(op: op, inputs: [try context.activation()])
    }
  }

  static let gemm: Builder = { context in
    let op = Gemm(alpha: context.float("alpha", default: 1), beta: context.float("beta", default: 1),
                  transA: context.int("transA", default: 0) != 0, transB: context.int("transB", default: 0) != 0)
    return BuiltOp(op: op, inputs: try context.requiredInputs("A", "B") + (context.inputName(2).map { [$0] } ?? []))
  }
}
