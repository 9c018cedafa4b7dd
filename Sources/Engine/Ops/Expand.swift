/// ONNX Expand: broadcasts the input to broadcast(input.shape, shape) (NumPy rules both ways: a 1 in
/// `shape` keeps the input's dimension). Backward sums the gradient over the broadcast axes.
public final class Expand: Op, ExecutableOp, @unchecked Sendable {
  public let typeName = "Expand"
  public let traits: OpTraits = []
  public let shape: [Int]
  public init(shape: [Int]) { self.shape = shape }

  public func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
    [try Broadcasting.shape(inputShapes[0], shape)]
  }

  func forward(_ inputs: [Value]) throws -> [Value] {
    let x = try Reorder.value(inputs[0], to: .plain)
    let outShape = try outputShapes([x.shape])[0]
    return [GatherMap.gather(x, map: Broadcasting.offsets(of: x.shape, in: outShape), shape: outShape)]
  }

  func backward(_ pass: BackwardPass) throws -> [Value?] {
    guard pass.needsGradient[0], let dyValue = pass.outputGradients[0] else { return [nil] }
    let dy = try Reorder.value(dyValue, to: .plain)
    return [withExtendedLifetime(dy) { Broadcasting.reduce(dy.buffer.pointer, outShape: dy.shape, to: pass.inputs[0].shape) }]
  }
}
