import Engine

/// A CAM variant with no setting but the target layer: what pytorch-grad-cam's `get_cam_weights` is
/// to its `BaseCAM`. It names itself, states its formula for the caption and makes the map from one
/// (image, class) sample; `CAMMethod` adds the layer setting and the shared forward, backward, ReLU
/// and bookkeeping of `ChannelWeightedMap`. Adding one: a file with an enum conforming to this,
/// `public typealias NameCAM = CAMMethod<…>`, and the typealias in `MethodRegistry.all`.
public protocol CAMVariant: Sendable {
  static var name: String { get }
  static var summary: String { get }
  /// How the weights or the map are made, for the caption.
  static var conventions: [Convention] { get }
  /// Whether the map needs ∂y^c/∂A (default true).
  static var needsGradient: Bool { get }
  /// The map before the ReLU: [h·w], usually `sample.weightedSum(weights)`.
  static func map(_ sample: LayerSample, _ setup: LayerSetup) throws -> [Float]
}

extension CAMVariant {
  public static var needsGradient: Bool { true }
}

/// A `CAMVariant` as a method: its target layer is its one setting.
public struct CAMMethod<Variant: CAMVariant>: ChannelWeightedMap {
  public static var name: String { Variant.name }
  public static var summary: String { Variant.summary }
  public var layer: LayerChoice = .auto
  public var tokens: TokenLayout?

  public init() {}

  public var needsGradient: Bool { Variant.needsGradient }
  public var variantConventions: [Convention] { Variant.conventions }
  public func combine(_ sample: LayerSample, _ setup: LayerSetup) throws -> [Float] { try Variant.map(sample, setup) }
}
