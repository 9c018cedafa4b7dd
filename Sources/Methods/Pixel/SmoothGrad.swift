import Engine

/// SmoothGrad (Smilkov et al. 2017) over saliency: the mean of |∂y^c/∂x| over `steps` copies
/// x + N(0, σ²), σ = noise · (max x − min x) per image, seeded.
public struct SmoothGrad: VisualizationMethod {
  public static let name = "smoothgrad"
  public static let summary = "Saliency averaged over noisy copies of the image (Smilkov 2017)."
  public var steps = 25
  public var noise: Float = 0.15
  public var batch = 8
  /// Noise to add instead of drawing it, [N, steps, C, H, W] in normalised space: lets a test feed the
  /// noise an outside reference drew (not a setting).
  var givenNoise: Tensor?

  public static let settings: [Setting<SmoothGrad>] = [
    Setting("steps", \.steps, "noisy copies per image", .atLeast(1)),
    Setting("noise", \.noise, "noise σ as a fraction of the image's value range", .atLeast(0)),
    Setting("batch", \.batch, "copies per backward pass", .atLeast(1)),
  ]

  public init() {}

  public func run(_ context: MethodContext) throws -> MethodOutput {
    let conventions = [Convention("value", "mean |dy/dx| over noisy copies"), Convention("steps", String(steps)),
                       Convention("noise", "σ = \(noise) · (max x − min x)"),
                       Convention("seed", givenNoise == nil ? String(context.seed) : "none (noise given)")]
    if let givenNoise, givenNoise.shape != [context.imageCount, steps] + context.images.shape.dropFirst() {
      throw MethodError("smoothgrad: the given noise has shape \(givenNoise.shape), expected [N, steps, C, H, W]")
    }
    return try PixelAttributionRunner.run(context, method: Self.name, signed: false, reduction: .maxAbs,
                                          conventions: conventions) { classes in
      // The same noise for every target, so maps for different classes are comparable.
      var random = SeededRandom(seed: context.seed)
      var values: [Tensor] = []
      for imageIndex in 0..<context.imageCount {
        let image = context.images.item(imageIndex)  // [1, C, H, W]
        let sigma = Double(noise) * Double((image.values.max() ?? 0) - (image.values.min() ?? 0))
        var copies: [Tensor] = []
        for copy in 0..<steps {
          if let givenNoise {
            let start = (imageIndex * steps + copy) * image.count
            copies.append(Tensor(shape: image.shape, values: zip(image.values, givenNoise.values[start...]).map { $0 + $1 }))
          } else {
            copies.append(Tensor(shape: image.shape, values: image.values.map { $0 + Float(sigma * random.normal()) }))
          }
        }
        let result = try ScoreGradients.inputGradients(context.network, Tensor.batch(copies),
                                                       classes: Array(repeating: classes[imageIndex], count: steps),
                                                       rule: .standard, batch: batch)
        var mean = [Float](repeating: 0, count: image.count)
        for copy in 0..<steps {
          for position in 0..<image.count { mean[position] += abs(result.gradients.values[copy * image.count + position]) }
        }
        values.append(Tensor(shape: Array(image.shape.dropFirst()), values: mean.map { $0 / Float(steps) }))
      }
      return (values, [])
    }
  }
}
