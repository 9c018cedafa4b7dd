/// y = x (also Dropout at inference). Shares the input's buffer: values are never written twice.
public final class Identity: Op, ExecutableOp, @unchecked Sendable {
  public let typeName: String
  public let traits: OpTraits = .identity
  public init(typeName: String = "Identity") { self.typeName = typeName }
  public func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] { [inputShapes[0]] }
  func forward(_ inputs: [Value]) throws -> [Value] { [inputs[0]] }
  func backward(_ pass: BackwardPass) throws -> [Value?] { [pass.outputGradients[0]] }
}
