import Engine

/// The loop every pixel-space method shares: score the batch once, resolve each target class per
/// image, let the method attribute, and collect one [3, H, W] item per (image, class).
enum PixelAttributionRunner {
  typealias Attribute = (_ classes: [Int]) throws -> (values: [Tensor], measurements: [[Metric]])

  /// `attribute(classes)` gets one class per image of the batch and returns one [3, H, W] tensor per image.
  /// `gradientImage`: the values are an input gradient that reads as a picture (see `PixelAttributions`).
  static func run(_ context: MethodContext, method: String, signed: Bool, reduction: ChannelReduction, gradientImage: Bool = false,
                  conventions: [Convention], attribute: Attribute) throws -> MethodOutput {
    _ = try context.validatedImageShape()
    let classes = try ClassScores.resolve(context, scores: try ScoreGradients.scores(context.network, context.images))
    var items: [PixelAttributions.Item] = []
    for (targetIndex, perImage) in classes.enumerated() {
      context.progress(method, targetIndex, classes.count)
      let result = try attribute(perImage.map(\.index))
      for (imageIndex, info) in perImage.enumerated() {
        items.append(.init(imageIndex: imageIndex, target: info, values: result.values[imageIndex],
                           measurements: imageIndex < result.measurements.count ? result.measurements[imageIndex] : []))
      }
    }
    context.progress(method, classes.count, classes.count)
    // Image-major, targets in order within an image (filter keeps order).
    items = (0..<context.imageCount).flatMap { image in items.filter { $0.imageIndex == image } }
    let all = [Convention("method", method)] + ClassScores.targetConventions(context, classes) + conventions
    return MethodOutput(.pixelAttributions(PixelAttributions(signed: signed, reduction: reduction, gradientImage: gradientImage,
                                                             items: items)), conventions: all)
  }

  /// The items of a batch [N, ...] as [...] tensors.
  static func split(_ batch: Tensor) -> [Tensor] {
    let n = batch.shape[0], per = batch.count / max(n, 1)
    let shape = Array(batch.shape.dropFirst())
    return (0..<n).map { Tensor(shape: shape, values: Array(batch.values[$0 * per ..< ($0 + 1) * per])) }
  }
}

/// The ReLU rule for captions, with the units of this network it acts on ("guided at 26 ReLU units").
func ruleDescription(_ rule: BackwardRule, network: Network) -> String {
  let (relu, lowerBoundZeroClips) = network.reluRuleUnits
  let clip = rule.appliesToClip ? lowerBoundZeroClips : 0
  var units: [String] = []
  if relu > 0 { units.append("\(relu) ReLU") }
  if clip > 0 { units.append("\(clip) ReLU6 (Clip from 0)") }
  var text = units.isEmpty ? "\(rule.relu.rawValue): no ReLU units in this network (plain gradient)"
    : "\(rule.relu.rawValue) at \(units.joined(separator: " and ")) units"
  if !rule.appliesToClip && lowerBoundZeroClips > 0 {
    text += "; its \(lowerBoundZeroClips) ReLU6 units pass the plain gradient (captum's convention)"
  }
  return text
}
