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

/// What an op's backward gets: its forward inputs and outputs, the gradients arriving at its
/// outputs (nil where none arrives: zero), and which inputs need a gradient.
public struct BackwardPass {
  public let inputs: [Value]
  public let outputs: [Value]
  public let outputGradients: [Value?]
  public let needsGradient: [Bool]
  public let rule: BackwardRule
}

/// One operation of the network: shapes, forward, and the vector-Jacobian product with respect
/// to its activation inputs (weights are constants held by the op: we never train).
public protocol Op: AnyObject, Sendable {
  /// The op's type, as in ONNX ("Conv", "Relu", ...).
  var typeName: String { get }
  /// Output shapes for the given input shapes; throws a clear error when they do not fit.
  func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]]
  /// Computes the outputs. Inputs may arrive plain or blocked; the op picks its output layout.
  func forward(_ inputs: [Value]) throws -> [Value]
  /// Gradients with respect to the inputs (nil where not needed or identically zero).
  func backward(_ pass: BackwardPass) throws -> [Value?]
  /// Number of learned parameters (weights and biases) the op holds, for `inspect`.
  var parameterCount: Int { get }
}

extension Op {
  public var parameterCount: Int { 0 }
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
