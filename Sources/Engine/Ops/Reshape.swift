/// Reshape and Flatten: the same floats under a new shape (plain layout). Backward reshapes back.
/// Reshape's target may use 0 (copy the input's dimension, unless allowzero) and −1 (infer).
/// `batchFromInput`: the exporter wrote the batch size it traced with (torch's dynamo exporter
/// writes `view(x, [1, 1280])`); the first target dimension then follows the input's batch.
public final class Reshape: Op, ExecutableOp, @unchecked Sendable {
  public enum Target: Sendable { case shape([Int], allowZero: Bool), flatten(axis: Int) }
  public let target: Target
  public let batchFromInput: Bool
  public var typeName: String { if case .flatten = target { return "Flatten" } else { return "Reshape" } }
  public let traits: OpTraits = .shapeOnly

  public init(_ target: Target, batchFromInput: Bool = false) {
    self.target = target
    self.batchFromInput = batchFromInput
  }

  public func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
    let x = inputShapes[0], count = x.reduce(1, *)
    switch target {
    case .flatten(let axis):
      let a = axis < 0 ? axis + x.count : axis
      guard a >= 0 && a <= x.count else { throw EngineError("Flatten axis \(axis) is out of range for \(x)") }
      return [[x.prefix(a).reduce(1, *), x.suffix(from: a).reduce(1, *)]]
    case .shape(let requested, let allowZero):
      var shape = requested.enumerated().map { axis, d in d == 0 && !allowZero && axis < x.count ? x[axis] : d }
      if batchFromInput, !shape.isEmpty, !x.isEmpty { shape[0] = x[0] }
      let known = shape.filter { $0 != -1 }.reduce(1, *)
      let unknown = shape.filter { $0 == -1 }.count
      guard unknown <= 1, !shape.contains(where: { $0 < -1 }) else { throw EngineError("invalid Reshape target \(requested)") }
      if unknown == 1 {
        guard known > 0, count % known == 0 else { throw EngineError("cannot reshape \(x) to \(requested)") }
        shape = shape.map { $0 == -1 ? count / known : $0 }
      }
      guard shape.reduce(1, *) == count else { throw EngineError("cannot reshape \(x) (\(count) values) to \(requested)") }
      return [shape]
    }
  }

  func forward(_ inputs: [Value]) throws -> [Value] {
    let shape = try outputShapes([inputs[0].shape])[0]
    return [try Reorder.value(inputs[0], to: .plain).reshaped(shape)]
  }

  func backward(_ pass: BackwardPass) throws -> [Value?] {
    guard pass.needsGradient[0], let dy = pass.outputGradients[0] else { return [nil] }
    return [try Reorder.value(dy, to: .plain).reshaped(pass.inputs[0].shape)]
  }
}
