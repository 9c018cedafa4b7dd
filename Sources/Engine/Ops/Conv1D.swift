/// 1-D convolution (ONNX Conv on [N, C, L], ECA attention's conv over channels) as the 2-D
/// convolution of [N, C, 1, L] with a [M, C/group, 1, k] kernel: the same oneDNN primitives, forward
/// and backward-data, the length axis as width. Outputs [N, M, L'] (plain, reshaped around the 2-D op).
public final class Conv1D: Op, ExecutableOp, @unchecked Sendable {
  public let typeName = "Conv"
  /// No `window`: `SlidingWindow` (through `conv`) describes [H, W] windows of 4-D maps, and this
  /// op's input is [N, C, L]; methods run it whole.
  public let traits: OpTraits = []
  public let conv: Conv

  /// `weights` [M, C/group, k]; strides, dilations and explicit pads ([begin, end]) of the length axis.
  public init(weights: Tensor, bias: [Float]?, stride: Int = 1, dilation: Int = 1, padding: Conv.Padding, group: Int = 1) throws {
    guard weights.rank == 3 else { throw EngineError("a 1-D convolution needs weights [M, C/group, k], got \(weights.shape)") }
    let planar: Conv.Padding
    switch padding {
    case .explicit(let begin, let end):
      guard begin.count == 1, end.count == 1 else { throw EngineError("a 1-D convolution takes one pad before and one after") }
      planar = .explicit(begin: [0, begin[0]], end: [0, end[0]])
    default: planar = padding
    }
    conv = try Conv(weights: Tensor(shape: [weights.shape[0], weights.shape[1], 1, weights.shape[2]], values: weights.values),
                    bias: bias, strides: [1, stride], dilations: [1, dilation], padding: planar, group: group)
  }

  public var parameterCount: Int { conv.parameterCount }

  private func planar(_ shape: [Int]) throws -> [Int] {
    guard shape.count == 3 else { throw EngineError("a 1-D convolution expects [N, C, L], got \(shape)") }
    return [shape[0], shape[1], 1, shape[2]]
  }

  public func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
    let out = try conv.outputShapes([try planar(inputShapes[0])])[0]
    return [[out[0], out[1], out[3]]]
  }

  func forward(_ inputs: [Value]) throws -> [Value] {
    let x = try Reorder.value(inputs[0], to: .plain)
    let y = try Reorder.value(try conv.forward([x.reshaped(try planar(x.shape))])[0], to: .plain)
    return [y.reshaped([y.shape[0], y.shape[1], y.shape[3]])]
  }

  func backward(_ pass: BackwardPass) throws -> [Value?] {
    guard pass.needsGradient[0], let dy = pass.outputGradients[0] else { return [nil] }
    let x = try Reorder.value(pass.inputs[0], to: .plain), y = try Reorder.value(pass.outputs[0], to: .plain)
    let planarPass = BackwardPass(inputs: [x.reshaped(try planar(x.shape))], outputs: [y.reshaped(try planar(y.shape))],
                                  outputGradients: [try Reorder.value(dy, to: .plain).reshaped(try planar(dy.shape))],
                                  needsGradient: [true], rule: pass.rule)
    guard let dx = try conv.backward(planarPass)[0] else { return [nil] }
    return [try Reorder.value(dx, to: .plain).reshaped(x.shape)]
  }
}
