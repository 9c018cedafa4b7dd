/// Comparisons and logical ops with ONNX (NumPy) broadcasting, on run-time tensors: Equal, Less,
/// LessOrEqual, Greater, GreaterOrEqual, And, Or, Xor. Booleans are floats 0 / 1 (any non-zero float
/// is true for And/Or/Xor). A mask is piecewise constant in its operands: no gradient flows back.
public final class Comparison: Op, ExecutableOp, @unchecked Sendable {
  public let traits: OpTraits = .pointwise
  public enum Kind: String, Sendable {
    case equal = "Equal", less = "Less", lessOrEqual = "LessOrEqual", greater = "Greater"
    case greaterOrEqual = "GreaterOrEqual", and = "And", or = "Or", xor = "Xor"
  }
  public let kind: Kind
  public var typeName: String { kind.rawValue }
  public init(_ kind: Kind) { self.kind = kind }

  public func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
    [try Broadcasting.shape(inputShapes[0], inputShapes[1])]
  }

  @inline(__always)
  func holds(_ a: Float, _ b: Float) -> Bool {
    switch kind {
    case .equal: return a == b
    case .less: return a < b
    case .lessOrEqual: return a <= b
    case .greater: return a > b
    case .greaterOrEqual: return a >= b
    case .and: return a != 0 && b != 0
    case .or: return a != 0 || b != 0
    case .xor: return (a != 0) != (b != 0)
    }
  }

  func forward(_ inputs: [Value]) throws -> [Value] {
    [try Broadcasting.binary(inputs[0], inputs[1]) { a, b in holds(a, b) ? 1 : 0 }]
  }

  func backward(_ pass: BackwardPass) throws -> [Value?] { [nil, nil] }
}
