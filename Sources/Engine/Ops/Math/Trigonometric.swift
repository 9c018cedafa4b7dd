import Foundation

/// Sin and Cos (sinusoidal position encodings computed in the graph): d sin x/dx = cos x,
/// d cos x/dx = −sin x.
public final class Trigonometric: ElementwiseActivation, ExecutableOp, @unchecked Sendable {
  public let traits: OpTraits = .pointwise
  public enum Kind: String, Sendable { case sin = "Sin", cos = "Cos" }
  public let kind: Kind
  public var typeName: String { kind.rawValue }
  public init(_ kind: Kind) { self.kind = kind }

  func forward(_ inputs: [Value]) throws -> [Value] {
    switch kind {
    case .sin: return Elementwise.activation(inputs) { x in sin(x) }
    case .cos: return Elementwise.activation(inputs) { x in cos(x) }
    }
  }

  func backward(_ pass: BackwardPass) throws -> [Value?] {
    switch kind {
    case .sin: return try Elementwise.activationGradient(pass) { x, _, gradient in gradient * cos(x) }
    case .cos: return try Elementwise.activationGradient(pass) { x, _, gradient in -gradient * sin(x) }
    }
  }
}
