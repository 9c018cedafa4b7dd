import Engine

/// One image's data at the target layer, for one class: A and g = ∂y^c/∂A as [C, h·w] row-major.
public struct LayerSample: Sendable {
  public let imageIndex: Int
  public let target: ClassInfo
  public let channels: Int
  public let height: Int
  public let width: Int
  /// A: [C, h·w]
  public let activation: [Float]
  /// g: [C, h·w] (zeros when the method needs no gradient)
  public let gradient: [Float]

  /// Σ_k w_k A^k: [h·w]
  public func weightedSum(_ weights: [Float]) -> [Float] {
    let plane = height * width
    var map = [Float](repeating: 0, count: plane)
    for channel in 0..<channels where weights[channel] != 0 {
      let weight = weights[channel], base = channel * plane
      for position in 0..<plane { map[position] += weight * activation[base + position] }
    }
    return map
  }

  /// f(A^k, g^k) for every channel k: [C] (`activation` and `gradient` are the channel's [h·w] values).
  public func perChannel(_ f: (_ activation: ArraySlice<Float>, _ gradient: ArraySlice<Float>) -> Float) -> [Float] {
    let plane = height * width
    return (0..<channels).map { f(activation[$0 * plane ..< ($0 + 1) * plane], gradient[$0 * plane ..< ($0 + 1) * plane]) }
  }

  /// Σ_k f(g^k) ⊙ A^k, position by position: [h·w] (HiResCAM: f = identity; Layer-CAM: f = ReLU).
  public func gradientWeightedSum(_ f: (Float) -> Float) -> [Float] {
    let plane = height * width
    var map = [Float](repeating: 0, count: plane)
    for channel in 0..<channels {
      let base = channel * plane
      for position in 0..<plane { map[position] += f(gradient[base + position]) * activation[base + position] }
    }
    return map
  }
}

/// The run-wide state a channel-weighted method may use: the batch, the forward trace and the layer.
public struct LayerSetup: @unchecked Sendable {
  public let context: MethodContext
  /// The target layer: its tensor and how it reads as maps [N, C, h, w].
  public let resolved: ResolvedLayer
  public var layer: String { resolved.name }
  /// The maps' shape [N, C, h, w].
  public var shape: [Int] { resolved.shape }
  /// The forward run of the whole batch: for variants that need gradients a gradient run
  /// (`ForwardMode.gradients`) that keeps the layer and the scores (a tensor a convolution computes
  /// together with what follows it may be absent), else one that keeps every tensor.
  public let trace: Trace
  /// The pre-softmax score tensor.
  public let scoreName: String
  /// Per-image results a method computes once for all targets (Score-CAM, Ablation-CAM scores).
  let cache = ScoreCache()

  /// The class scores [n, K] of image `image` with the layer replaced by `maps` [n, C, h, w] (token
  /// layers get the image's own prefix tokens back).
  public func scores(replacingMapsWith maps: Tensor, image: Int) throws -> Tensor {
    let original = resolved.grid.arrangement == .channelsFirst ? maps : try trace.tensor(named: layer).item(image)
    return try trace.tensor(named: scoreName, replacing: layer, with: resolved.grid.layerTensor(maps, prefixFrom: original), item: image)
  }
}

/// Score rows by image, filled once per run (single-threaded use within one `run`).
final class ScoreCache: @unchecked Sendable {
  var rows: [Int: [[Float]]] = [:]
}

/// The CAM family: L^c = ReLU(Σ_k w_k^c A^k) at a layer. A variant supplies its channel weights
/// (or its own combination, for HiResCAM / Layer-CAM / Eigen-CAM); forward, backward, the weighted
/// sum and the ReLU are shared here.
public protocol ChannelWeightedMap: VisualizationMethod {
  var layer: LayerChoice { get set }
  /// How a token or channels-last layer reads as maps (nil: inferred).
  var tokens: TokenLayout? { get set }
  /// Whether the map needs ∂y^c/∂A (one backward pass per target class).
  var needsGradient: Bool { get }
  /// Seed sign: −1 explains the counterfactual (negated gradients, Selvaraju et al. §5.2).
  var gradientSign: Float { get }
  /// True to keep the signed map (no ReLU).
  var keepsSign: Bool { get }
  /// Conventions specific to the variant (weights formula, settings).
  var variantConventions: [Convention] { get }
  /// Checks the network suits the method (CAM needs conv → GAP → one linear layer).
  func validate(_ setup: LayerSetup) throws
  /// w_k^c: [C] (default 1 for every channel).
  func channelWeights(_ sample: LayerSample, _ setup: LayerSetup) throws -> [Float]
  /// The map before the ReLU: [h·w]. Default Σ_k w_k A^k.
  func combine(_ sample: LayerSample, _ setup: LayerSetup) throws -> [Float]
}

extension Setting where Root: ChannelWeightedMap {
  /// The target layer, the one setting most CAM variants have.
  public static var layer: Setting { Setting("layer", \.layer, "target layer: auto or a tensor name") }
  /// How a transformer's token layer becomes maps, when it cannot be inferred.
  public static var tokens: Setting {
    Setting("tokens", \.tokens, TokenLayout.help)
  }
}

extension ChannelWeightedMap {
  /// Just the target layer; variants with more settings declare their own list.
  public static var settings: [Setting<Self>] { [.layer, .tokens] }
  public var needsGradient: Bool { true }
  public var gradientSign: Float { 1 }
  public var keepsSign: Bool { false }
  public var variantConventions: [Convention] { [] }
  public func validate(_ setup: LayerSetup) throws {}
  public func channelWeights(_ sample: LayerSample, _ setup: LayerSetup) throws -> [Float] {
    [Float](repeating: 1, count: sample.channels)
  }
  public func combine(_ sample: LayerSample, _ setup: LayerSetup) throws -> [Float] {
    sample.weightedSum(try channelWeights(sample, setup))
  }

  public func run(_ context: MethodContext) throws -> MethodOutput {
    let (maps, conventions) = try layerMaps(context)
    return MethodOutput(.layerMaps(maps), conventions: conventions)
  }

  /// The maps of every (image, target), after the ReLU unless `keepsSign`, at the layer's resolution.
  public func layerMaps(_ context: MethodContext) throws -> (LayerMaps, [Convention]) {
    let imageShape = try context.validatedImageShape()
    let resolved = try layer.resolve(in: context.network, inputShape: imageShape, tokens: tokens)
    let (layerName, layerShape) = (resolved.name, resolved.shape)
    let scoreName = ClassScores.tensorName(context.network)
    let trace = needsGradient
      ? try context.network.forward(context.images, mode: .gradients, keeping: [layerName, scoreName])
      : try context.network.forward(context.images)
    let classes = try ClassScores.resolve(context, scores: try trace.tensor(named: scoreName))
    let setup = LayerSetup(context: context, resolved: resolved, trace: trace, scoreName: scoreName)
    try validate(setup)
    let activation = resolved.grid.maps(try trace.tensor(named: layerName))  // [N, C, h, w]
    let (channels, height, width) = (layerShape[1], layerShape[2], layerShape[3])
    let perImage = channels * height * width
    var items: [LayerMaps.Item] = []
    for (targetIndex, perImageClasses) in classes.enumerated() {
      context.progress(Self.name, targetIndex, classes.count)
      var gradient: Tensor?
      if needsGradient {
        var seed = try Trace.oneHotSeed(shape: try trace.shape(of: scoreName), classes: perImageClasses.map(\.index))
        if gradientSign != 1 { seed.values = seed.values.map { $0 * gradientSign } }
        gradient = try trace.backward(seed: seed, at: scoreName, to: [layerName])[layerName].map(resolved.grid.maps)
      }
      for (imageIndex, info) in perImageClasses.enumerated() {
        let range = imageIndex * perImage ..< (imageIndex + 1) * perImage
        let sample = LayerSample(
          imageIndex: imageIndex, target: info, channels: channels, height: height, width: width,
          activation: Array(activation.values[range]),
          gradient: gradient.map { Array($0.values[range]) } ?? [Float](repeating: 0, count: perImage))
        var map = try combine(sample, setup)
        if !keepsSign { map = map.map { max($0, 0) } }
        items.append(.init(imageIndex: imageIndex, target: info, map: Tensor(shape: [height, width], values: map)))
      }
    }
    context.progress(Self.name, classes.count, classes.count)
    // Image-major, targets in order within an image (filter keeps order).
    items = (0..<activation.shape[0]).flatMap { image in items.filter { $0.imageIndex == image } }
    let conventions = [Convention("method", Self.name)] + resolved.conventions
      + ClassScores.targetConventions(context, classes) + variantConventions
      + [Convention("relu", keepsSign ? "no (signed map)" : "yes"),
         Convention("raw map", "at the layer's resolution \(height)×\(width), unnormalised")]
    return (LayerMaps(layer: layerName, layerShape: Array(layerShape.dropFirst()), inputSize: [imageShape[2], imageShape[3]],
                      signed: keepsSign, items: items), conventions)
  }
}
