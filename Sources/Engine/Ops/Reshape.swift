/// Reshape, Flatten, Squeeze and Unsqueeze: the same floats under a new shape (plain layout).
/// Backward reshapes the gradient back.
/// - shape: ONNX Reshape's target; 0 copies the input's dimension (unless allowZero), one −1 is
///   inferred. The importer writes −1 where the exported target held the traced batch (see
///   ARCHITECTURE.md, "ONNX import"), so the batch follows the input.
/// - flatten(axis): [prod(x[..<axis]), prod(x[axis...])].
/// - squeeze(axes): removes the listed size-1 axes (every size-1 axis when nil).
/// - unsqueeze(axes): inserts size-1 axes at `axes`, indices into the output rank.
public final class Reshape: Op, ExecutableOp, @unchecked Sendable {
  public enum Target: Sendable {
    case shape([Int], allowZero: Bool), flatten(axis: Int), squeeze(axes: [Int]?), unsqueeze(axes: [Int])
  }
  public let target: Target
  public var typeName: String {
    switch target {
    case .shape: return "Reshape"
    case .flatten: return "Flatten"
    case .squeeze: return "Squeeze"
    case .unsqueeze: return "Unsqueeze"
    }
  }
  public let traits: OpTraits = .shapeOnly

  public init(_ target: Target) { self.target = target }

  public func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
    let x = inputShapes[0]
    switch target {
    case .flatten(let axis):
      let a = axis < 0 ? axis + x.count : axis
      guard a >= 0 && a <= x.count else { throw EngineError("Flatten axis \(axis) is out of range for \(x)") }
      return [[x.prefix(a).reduce(1, *), x.suffix(from: a).reduce(1, *)]]
    case .shape(let requested, let allowZero):
      return [try Reshape.resolve(requested, allowZero: allowZero, input: x)]
    case .squeeze(let axes):
      guard let axes else { return [x.filter { $0 != 1 }] }
      let removed = Set(try axes.map { try normalizedAxis($0, rank: x.count, op: "Squeeze") })
      for axis in removed where x[axis] != 1 {
        throw EngineError("Squeeze axis \(axis) has size \(x[axis]); only size-1 axes can be removed")
      }
      return [x.indices.filter { !removed.contains($0) }.map { x[$0] }]
    case .unsqueeze(let axes):
      let rank = x.count + axes.count
      let inserted = Set(try axes.map { try normalizedAxis($0, rank: rank, op: "Unsqueeze") })
      guard inserted.count == axes.count else { throw EngineError("Unsqueeze axes \(axes) repeat an axis") }
      var rest = x.makeIterator()
      return [(0..<rank).map { inserted.contains($0) ? 1 : rest.next() ?? 1 }]
    }
  }

  /// ONNX Reshape's rule: 0 copies x's dimension (unless allowZero), one −1 takes what is left.
  public static func resolve(_ requested: [Int], allowZero: Bool, input x: [Int]) throws -> [Int] {
    var shape = requested.enumerated().map { axis, d in d == 0 && !allowZero && axis < x.count ? x[axis] : d }
    let unknown = shape.filter { $0 == -1 }.count
    guard unknown <= 1, !shape.contains(where: { $0 < -1 }), let count = x.checkedProduct,
          let known = shape.filter({ $0 != -1 }).checkedProduct else { throw EngineError("invalid Reshape target \(requested)") }
    if unknown == 1 {
      guard known > 0, count % known == 0 else { throw EngineError("cannot reshape \(x) (\(count) values) to \(requested)") }
      shape = shape.map { $0 == -1 ? count / known : $0 }
    }
    guard shape.checkedProduct == count else { throw EngineError("cannot reshape \(x) (\(count) values) to \(requested)") }
    return shape
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
