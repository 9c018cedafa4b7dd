import Engine

/// Saliency (Simonyan et al. 2013): |∂y^c/∂x|, displayed as the max over channels.
public struct Saliency: VisualizationMethod {
  public static let name = "saliency"
  public static let summary = "Gradient magnitude |dy/dx| of the class score at each input pixel (Simonyan 2013)."
  public var batch = 16

  public static let settings = [Setting<Saliency>("batch", \.batch, "images per backward pass", .atLeast(1))]

  public init() {}

  public func run(_ context: MethodContext) throws -> MethodOutput {
    try PixelAttributionRunner.run(context, method: Self.name, signed: false, reduction: .maxAbs,
                                   conventions: [Convention("value", "|dy/dx|")]) { classes in
      let result = try ScoreGradients.inputGradients(context.network, context.images, classes: classes, rule: .standard, batch: batch)
      let absolute = Tensor(shape: result.gradients.shape, values: result.gradients.values.map { abs($0) })
      return (PixelAttributionRunner.split(absolute), [])
    }
  }
}
