/// 2-D convolution (ONNX Conv): y[n, m] = b[m] + Σ_c Σ_ij W[m, c, i, j] · x[n, g(m)·C/G + c, s·p + d·i − pad]
/// with groups (depthwise when group = C), strides, dilations, asymmetric pads and auto_pad.
/// Forward and backward-data run on oneDNN primitives; weights are constants (no weight gradient).
public final class Conv: Op, @unchecked Sendable {
  public enum Padding: Sendable, Equatable {
    case explicit(begin: [Int], end: [Int])
    case sameUpper, sameLower, valid
  }

  public let typeName = "Conv"
  public let weights: Tensor            // [M, C/group, kH, kW]
  public let bias: [Float]?             // [M]
  public let strides: [Int]
  public let dilations: [Int]
  public let padding: Padding
  public let group: Int
  private let primitives: ConvolutionPrimitives

  public init(weights: Tensor, bias: [Float]?, strides: [Int] = [1, 1], dilations: [Int] = [1, 1],
              padding: Padding = .explicit(begin: [0, 0], end: [0, 0]), group: Int = 1) throws {
    guard weights.rank == 4 else { throw EngineError("only 2-D convolutions are supported (weights \(weights.shape))") }
    guard group >= 1, weights.shape[0] % group == 0 else {
      throw EngineError("group \(group) does not divide the \(weights.shape[0]) output channels")
    }
    if let bias, bias.count != weights.shape[0] {
      throw EngineError("bias has \(bias.count) values for \(weights.shape[0]) output channels")
    }
    guard strides.count == 2, dilations.count == 2, strides.allSatisfy({ $0 >= 1 }), dilations.allSatisfy({ $0 >= 1 }) else {
      throw EngineError("strides \(strides) and dilations \(dilations) must be two positive numbers each")
    }
    self.weights = weights
    self.bias = bias
    self.strides = strides
    self.dilations = dilations
    self.padding = padding
    self.group = group
    self.primitives = ConvolutionPrimitives(weights: weights, bias: bias)
  }

  public var parameterCount: Int { weights.count + (bias?.count ?? 0) }
  public var kernel: [Int] { Array(weights.shape[2...3]) }
  public var isDepthwise: Bool { group > 1 && weights.shape[1] == 1 }

  /// Pads before/after for an input of spatial size `spatial` (auto_pad rules of the ONNX spec).
  public func pads(forSpatial spatial: [Int]) -> (begin: [Int], end: [Int]) {
    switch padding {
    case .explicit(let begin, let end): return (begin, end)
    case .valid: return ([0, 0], [0, 0])
    case .sameUpper, .sameLower:
      var begin = [0, 0], end = [0, 0]
      for axis in 0..<2 {
        let out = (spatial[axis] + strides[axis] - 1) / strides[axis]
        let extent = (kernel[axis] - 1) * dilations[axis] + 1
        let total = max(0, (out - 1) * strides[axis] + extent - spatial[axis])
        let small = total / 2, large = total - small
        begin[axis] = padding == .sameUpper ? small : large
        end[axis] = padding == .sameUpper ? large : small
      }
      return (begin, end)
    }
  }

  /// The geometry for the last input shape seen (a layer sees one shape pass after pass).
  private var lastGeometry: ConvolutionGeometry?
  private let lastGeometryLock = Lock()

  func geometry(_ input: [Int], layout: Layout) throws -> ConvolutionGeometry {
    if let known = lastGeometryLock.withLock({ lastGeometry }), known.input == input, known.sourceLayout == layout { return known }
    let computed = try computeGeometry(input, layout: layout)
    lastGeometryLock.withLock { lastGeometry = computed }
    return computed
  }

  private func computeGeometry(_ input: [Int], layout: Layout) throws -> ConvolutionGeometry {
    guard input.count == 4 else { throw EngineError("Conv expects a 4-D input [N, C, H, W], got \(input)") }
    guard input[1] == weights.shape[1] * group else {
      throw EngineError("input has \(input[1]) channels but the weights expect \(weights.shape[1] * group)")
    }
    let (begin, end) = pads(forSpatial: [input[2], input[3]])
    var output = [input[0], weights.shape[0], 0, 0]
    for axis in 0..<2 {
      let extent = (kernel[axis] - 1) * dilations[axis] + 1
      let padded = input[axis + 2] + begin[axis] + end[axis]
      guard padded >= extent else {
        throw EngineError("kernel \(kernel) (dilated \(extent)) is larger than the padded input \(input)")
      }
      output[axis + 2] = (padded - extent) / strides[axis] + 1
    }
    return ConvolutionGeometry(input: input, output: output, kernel: kernel, strides: strides, dilations: dilations,
                               padBegin: begin, padEnd: end, group: group, sourceLayout: layout)
  }

  public func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
    [try geometry(inputShapes[0], layout: .plain).output]
  }

  /// Few-channel inputs (the RGB image) stay plain; everything else runs in the native blocked layout.
  private func sourceLayout(for x: Value) -> Layout { sourceLayout(shape: x.shape, layout: x.layout) }
  private func sourceLayout(shape: [Int], layout: Layout) -> Layout {
    layout == .plain && shape[1] <= 4 ? .plain : .native
  }

  public func forward(_ inputs: [Value]) throws -> [Value] { try forward(inputs, postOps: [], accumulatingInto: nil) }

  /// The forward pass with post-ops fused into the primitive (forward-only runs). With `.sum`,
  /// `accumulator` ([N, M, OH, OW], blocked) holds the residual and becomes the output.
  public func forward(_ inputs: [Value], postOps: [PostOp], accumulatingInto accumulator: Value?) throws -> [Value] {
    let x = try Reorder.value(inputs[0], to: sourceLayout(for: inputs[0]))
    return [try primitives.forward(x, geometry: try geometry(x.shape, layout: x.layout), postOps: postOps, accumulator: accumulator)]
  }

  /// oneDNN's kernel name for the forward pass on a plain input of `inputShape` (tests, profiles).
  func forwardImplementation(inputShape: [Int], postOps: [PostOp] = []) throws -> String {
    guard inputShape.count == 4 else { throw EngineError("Conv expects a 4-D input [N, C, H, W], got \(inputShape)") }
    let layout = sourceLayout(shape: inputShape, layout: .plain)
    return try primitives.forwardImplementation(try geometry(inputShape, layout: layout), postOps: postOps)
  }

  public func backward(_ pass: BackwardPass) throws -> [Value?] {
    guard pass.needsGradient[0], let dy = pass.outputGradients[0] else { return [nil] }
    let layout = sourceLayout(for: pass.inputs[0])
    return [try primitives.backwardData(dy, geometry: try geometry(pass.inputs[0].shape, layout: layout))]
  }
}
