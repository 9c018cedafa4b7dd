// Weights that would fail far from their cause are refused at load time, naming the initializer:
// NaN or infinite values make every output NaN (or every map blank) without any error further down,
// and an empty weight (a zero dimension) only fails inside oneDNN. NaN is never a meaningful
// constant; ±inf is (Clip bounds, masks), so it is refused only where it is a learned weight.

enum WeightChecks {
  /// Ops whose constant inputs are learned weights.
  static let weightOps: Set<String> = ["Conv", "ConvTranspose", "Gemm", "MatMul", "BatchNormalization", "PRelu", "InstanceNormalization"]

  static func check(_ constants: [String: ONNXConstant], nodes: [ONNXNode]) throws {
    var weights = Set<String>()
    for node in nodes where weightOps.contains(node.opType) {
      for input in node.inputs {
        guard let constant = constants[input] else { continue }
        weights.insert(input)
        if constant.shape.contains(0) {
          throw ONNXFormatError(.emptyWeight(tensor: input, node: node.name, opType: node.opType, shape: constant.shape))
        }
      }
    }
    // Sorted, so the message names the same initializer on every run.
    for name in constants.keys.sorted() {
      guard case .float(let values) = constants[name]?.storage else { continue }
      let refuseInfinity = weights.contains(name)
      if let index = values.firstIndex(where: { $0.isNaN || (refuseInfinity && $0.isInfinite) }) {
        throw ONNXFormatError(.nonFiniteWeights(tensor: name, index: index, value: "\(values[index])"))
      }
    }
  }
}
