/// 2-D convolution (ONNX Conv): y[n, m] = b[m] + Σ_c Σ_ij W[m, c, i, j] · x[n, g(m)·C/G + c, s·p + d·i − pad]
/// with groups (depthwise when group = C), strides, dilations, asymmetric pads and auto_pad.
/// Forward and backward-data run on oneDNN primitives; weights are constants (no weight gradient).
public final class Conv: Op, WindowedOp, @unchecked Sendable {
  public typealias Padding = SlidingWindow.Padding

  public let typeName = "Conv"
  public let traits: OpTraits = []
  public let weights: Tensor            // [M, C/group, kH, kW]
  public let bias: [Float]?             // [M]
  public let group: Int
  /// Kernel, strides, dilations and padding; padded positions count as 0.
  private let slidingWindow: SlidingWindow
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
    self.group = group
    self.slidingWindow = try SlidingWindow(kernel: Array(weights.shape[2...3]), strides: strides, dilations: dilations,
                                       padding: padding, paddingValue: 0)
    self.primitives = ConvolutionPrimitives(weights: weights, bias: bias)
  }

  public var window: SlidingWindow? { slidingWindow }
  public var strides: [Int] { slidingWindow.strides }
  public var dilations: [Int] { slidingWindow.dilations }
  public var padding: Padding { slidingWindow.padding }
  public var kernel: [Int] { slidingWindow.kernel }
  public var parameterCount: Int { weights.count + (bias?.count ?? 0) }
  public var isDepthwise: Bool { group > 1 && weights.shape[1] == 1 }

  /// The same convolution without padding (incremental runs crop zero-filled inputs themselves).
  func withoutPadding() throws -> any ExecutableOp {
    try Conv(weights: weights, bias: bias, strides: strides, dilations: dilations, padding: .explicit(begin: [0, 0], end: [0, 0]),
             group: group)
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
    let spatial = [input[2], input[3]]
    let (begin, end) = slidingWindow.pads(for: spatial)
    guard let size = slidingWindow.outputSize(for: spatial) else {
      throw EngineError("kernel \(kernel) (dilated \(slidingWindow.extent)) is larger than the padded input \(input)")
    }
    let output = [input[0], weights.shape[0]] + size
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

  func forward(_ inputs: [Value]) throws -> [Value] { try forward(inputs, postOps: [], accumulatingInto: nil) }

  /// The forward pass with post-ops fused into the primitive (forward-only runs). With `.sum`,
  /// `accumulator` ([N, M, OH, OW], blocked) holds the residual and becomes the output.
  func forward(_ inputs: [Value], postOps: [PostOp], accumulatingInto accumulator: Value?) throws -> [Value] {
    let x = try Reorder.value(inputs[0], to: sourceLayout(for: inputs[0]))
    return [try primitives.forward(x, geometry: try geometry(x.shape, layout: x.layout), postOps: postOps, accumulator: accumulator)]
  }

  /// oneDNN's kernel name for the forward pass on a plain input of `inputShape` (tests, profiles).
  func forwardImplementation(inputShape: [Int], postOps: [PostOp] = []) throws -> String {
    guard inputShape.count == 4 else { throw EngineError("Conv expects a 4-D input [N, C, H, W], got \(inputShape)") }
    let layout = sourceLayout(shape: inputShape, layout: .plain)
    return try primitives.forwardImplementation(try geometry(inputShape, layout: layout), postOps: postOps)
  }

  /// oneDNN's kernel name for the backward-data pass to a plain input of `inputShape` (tests, profiles).
  func backwardDataImplementation(inputShape: [Int]) throws -> String {
    guard inputShape.count == 4 else { throw EngineError("Conv expects a 4-D input [N, C, H, W], got \(inputShape)") }
    let layout = sourceLayout(shape: inputShape, layout: .plain)
    return try primitives.backwardDataImplementation(try geometry(inputShape, layout: layout))
  }

  func backward(_ pass: BackwardPass) throws -> [Value?] {
    guard pass.needsGradient[0], let dy = pass.outputGradients[0] else { return [nil] }
    let layout = sourceLayout(for: pass.inputs[0])
    return [try primitives.backwardData(dy, geometry: try geometry(pass.inputs[0].shape, layout: layout))]
  }
}
