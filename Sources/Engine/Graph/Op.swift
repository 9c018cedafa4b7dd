/// How gradients pass backwards through ReLU-like units (Springenberg et al. 2014, Fig. 1).
/// With forward input f and incoming gradient R:
/// - standard (backprop): R_in = 1[f > 0] · R
/// - deconvnet (Zeiler & Fergus 2014): R_in = 1[R > 0] · R, the forward mask ignored
/// - guided (Springenberg et al.): R_in = 1[f > 0] · 1[R > 0] · R
public enum ReluRule: String, Sendable, CaseIterable, Codable {
  case standard, guided, deconvnet
}

/// The backward rule of a pass: the ReLU rule and whether Clip(min 0) units (ReLU6) follow it too.
/// `appliesToClip: false` restricts the rule to Relu nodes, which is what captum does.
public struct BackwardRule: Sendable, Equatable {
  public var relu: ReluRule
  public var appliesToClip: Bool
  public init(relu: ReluRule = .standard, appliesToClip: Bool = true) {
    self.relu = relu
    self.appliesToClip = appliesToClip
  }
  public static let standard = BackwardRule()
}

/// One operation of the network as code outside the engine sees it: a display name, shapes, a
/// parameter count, and traits that say how it treats positions and values. Methods read graphs
/// through these (never through op names); running an op is the engine's business (`ExecutableOp`).
public protocol Op: AnyObject, Sendable {
  /// The display name (`inspect`, captions, error messages): the ONNX op type it was built from
  /// ("Conv", "Dropout", ...). Nothing outside the ONNX modules branches on it.
  var typeName: String { get }
  /// Output shapes for the given input shapes; throws a clear error when they do not fit.
  func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]]
  /// Number of learned parameters (weights and biases) the op holds, for `inspect`.
  var parameterCount: Int { get }
  /// What kind of computation this is (see `OpTraits`); every op declares its own, [] for none.
  var traits: OpTraits { get }
  /// The sliding window of a convolution or pooling op (nil for every other op).
  var window: SlidingWindow? { get }
}

extension Op {
  public var parameterCount: Int { 0 }
  public var window: SlidingWindow? { nil }
  /// Element by element, with per-channel or scalar broadcasts (`OpTraits.pointwise`).
  public var isPointwise: Bool { traits.contains(.pointwise) }
  /// Values unchanged in row-major order, only the shape changes (`OpTraits.shapeOnly`).
  public var isShapeOnly: Bool { traits.contains(.shapeOnly) }
  /// The same values at the same positions in the same shape (`OpTraits.identity`).
  public var isIdentity: Bool { traits.isSuperset(of: .identity) }
  /// Global average or max pooling (`OpTraits.globalPool`).
  public var isGlobalPool: Bool { !traits.isDisjoint(with: .globalPool) }
}

/// The kinds of computation methods need to recognise in a graph. An op declares every trait that
/// holds for it whatever its input shapes.
public struct OpTraits: OptionSet, Sendable, Hashable {
  public let rawValue: Int
  public init(rawValue: Int) { self.rawValue = rawValue }

  /// Position by position: output element (n, c, i, j) reads each input at (n, c, i, j) only, or a
  /// per-channel / scalar value broadcast there (activations, BatchNormalization at inference,
  /// Add/Sub/Mul/Div, Identity, Dropout). An output position depends on the same input position.
  public static let pointwise = OpTraits(rawValue: 1 << 0)
  /// The values unchanged in row-major order; only the shape changes (Reshape, Flatten, Identity,
  /// Dropout, Squeeze, Unsqueeze).
  public static let shapeOnly = OpTraits(rawValue: 1 << 1)
  /// [N, C, H, W] → [N, C, 1, 1] (or [N, C]): the mean of each channel over all positions
  /// (GlobalAveragePool; ReduceMean over axes 2 and 3).
  public static let globalAveragePool = OpTraits(rawValue: 1 << 2)
  /// [N, C, H, W] → [N, C, 1, 1]: the maximum of each channel over all positions (GlobalMaxPool).
  public static let globalMaxPool = OpTraits(rawValue: 1 << 3)
  /// A linear (fully connected) map, Y = A·B (+ C): Gemm, MatMul.
  public static let linear = OpTraits(rawValue: 1 << 4)
  /// Turns scores into (log-)probabilities along one axis, keeping their order (Softmax,
  /// LogSoftmax): at the end of a classifier, the class scores are its input.
  public static let scoreNormalisation = OpTraits(rawValue: 1 << 5)
  /// Weights summing to 1 over the last axis (Softmax with axis −1, as exporters write it; not
  /// LogSoftmax): inside a transformer block, the attention of each query over the keys.
  public static let softmaxOverLastAxis = OpTraits(rawValue: 1 << 6)
  /// Normalises the feature vector of each token or position over the last axis by its own mean and
  /// variance, then scales and shifts (LayerNormalization with axis −1): transformer blocks' norm1/norm2,
  /// and the mark of a channels-last [N, H, W, C] map. Not InstanceNormalization (per channel over space).
  public static let featureNormalisation = OpTraits(rawValue: 1 << 7)

  /// Either global pooling.
  public static let globalPool: OpTraits = [.globalAveragePool, .globalMaxPool]
  /// Same values at the same positions in the same shape (Identity, Dropout at inference).
  public static let identity: OpTraits = [.pointwise, .shapeOnly]
}

/// What an op's backward gets: its forward inputs and outputs, the gradients arriving at its
/// outputs (nil where none arrives: zero), and which inputs need a gradient.
/// A class so that an op can take an arriving gradient out of it (`takeOutputGradient`): once the
/// pass no longer holds it, the op may write its result into that buffer if nothing else does.
final class BackwardPass {
  let inputs: [Value]
  let outputs: [Value]
  private(set) var outputGradients: [Value?]
  let needsGradient: [Bool]
  let rule: BackwardRule
  /// What the forward run kept for this node beyond its outputs (`StatefulForward`: max pooling's
  /// arg-max workspace), nil when it kept nothing.
  let state: AnyObject?

  init(inputs: [Value], outputs: [Value], outputGradients: [Value?], needsGradient: [Bool], rule: BackwardRule,
       state: AnyObject? = nil) {
    self.inputs = inputs
    self.outputs = outputs
    self.outputGradients = outputGradients
    self.needsGradient = needsGradient
    self.rule = rule
    self.state = state
  }

  /// The gradient arriving at output `index`, which the pass stops holding.
  func takeOutputGradient(_ index: Int) -> Value? {
    defer { outputGradients[index] = nil }
    return outputGradients[index]
  }
}

/// How the engine runs an op: forward, and the vector-Jacobian product with respect to its activation
/// inputs (weights are constants held by the op: we never train), over engine values. Every engine op
/// conforms; a `Network` resolves its nodes' implementations once, when it is made.
protocol ExecutableOp: Op {
  /// Computes the outputs. Inputs may arrive plain or blocked; the op picks its output layout.
  func forward(_ inputs: [Value]) throws -> [Value]
  /// Gradients with respect to the inputs (nil where not needed or identically zero).
  func backward(_ pass: BackwardPass) throws -> [Value?]
}

/// An op whose backward can reuse work of its forward beyond the outputs (max pooling's arg-max
/// workspace). Gradient runs (`ForwardMode.gradients`) call `forwardKeepingState` and hand the state
/// to the node's backward (`BackwardPass.state`); other runs call `forward`, and the backward then
/// recomputes what it needs.
protocol StatefulForward: ExecutableOp {
  func forwardKeepingState(_ inputs: [Value]) throws -> (outputs: [Value], state: AnyObject?)
}

/// A sliding-window op (Conv, MaxPool, AveragePool) that can run on crops which carry their own
/// padding: the engine's incremental runs need the same op without padding.
protocol WindowedOp: ExecutableOp {
  /// The same op with no padding (and no ceil-mode overhang).
  func withoutPadding() throws -> any ExecutableOp
}

/// A node of a network: an op applied to named tensors, producing named tensors.
public struct Node: Sendable {
  public let name: String
  public let op: any Op
  public let inputs: [String]
  public let outputs: [String]
  public init(name: String, op: any Op, inputs: [String], outputs: [String]) {
    self.name = name
    self.op = op
    self.inputs = inputs
    self.outputs = outputs
  }
}

extension Op {
  /// `outputShapes`, checked the way every caller needs it: a node's error names the node, and no
  /// output has a negative size or more than 2⁴⁰ elements. Shapes come from files, so an op's own
  /// arithmetic on them must not trap; bounding every inferred shape here keeps products of the next
  /// op's input sizes well inside Int. Graph shape inference and ONNX import both call this one rule.
  public func checkedOutputShapes(_ inputShapes: [[Int]], node: String, outputs: [String]) throws -> [[Int]] {
    let shapes: [[Int]]
    do {
      shapes = try outputShapes(inputShapes)
    } catch let error as EngineError {
      throw EngineError("node '\(node)' (\(typeName)): \(error.description) [input shapes \(inputShapes)]")
    }
    for (name, shape) in zip(outputs, shapes) {
      if shape.contains(where: { $0 < 0 }) {
        throw EngineError("node '\(node)' (\(typeName)) gives tensor '\(name)' the negative shape \(shape)")
      }
      guard let elements = shape.checkedProduct, elements <= 1 << 40 else {
        throw EngineError("node '\(node)' (\(typeName)) gives tensor '\(name)' the absurd shape \(shape)")
      }
    }
    return shapes
  }
}
