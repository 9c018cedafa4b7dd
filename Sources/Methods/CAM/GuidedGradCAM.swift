import Engine

/// Guided Grad-CAM (Selvaraju et al. 2017): guided-backprop attribution ⊙ the Grad-CAM map (after its
/// ReLU, unnormalised) upsampled to the input size; bilinear by default, `upsample: nearest`
/// reproduces captum's GuidedGradCam.
public struct GuidedGradCAM: VisualizationMethod {
  public static let name = "guided-grad-cam"
  public static let summary = "Guided backpropagation multiplied by the upsampled Grad-CAM map (Selvaraju 2017)."
  public var layer: LayerChoice = .auto
  public var tokens: TokenLayout?
  public var upsample: Upsampling = .bilinear
  public var relu6 = true
  public var batch = 16

  public static let settings: [Setting<GuidedGradCAM>] = [
    Setting("layer", \.layer, "Grad-CAM layer: auto or a tensor name"),
    Setting("tokens", \.tokens, TokenLayout.help),
    Setting("upsample", \.upsample, "bilinear (half-pixel centres), bilinear-align-corners or nearest (captum's)"),
    Setting("relu6", \.relu6, "the guided rule on Clip(0, 6) units too; false = captum's convention"),
    Setting("batch", \.batch, "images per backward pass", .atLeast(1)),
  ]

  public init() {}

  public func run(_ context: MethodContext) throws -> MethodOutput {
    var gradCAM = GradCAM()
    gradCAM.layer = layer
    gradCAM.tokens = tokens
    let (maps, camConventions) = try gradCAM.layerMaps(context)
    let rule = BackwardRule(relu: .guided, appliesToClip: relu6)
    let shape = try context.validatedImageShape()
    let (height, width) = (shape[2], shape[3])
    var mapIndex = 0
    let conventions = [Convention("rule", ruleDescription(rule, network: context.network)), Convention("grad-cam upsampling", upsample.rawValue),
                       Convention("grad-cam layer", maps.layer)]
    var output = try PixelAttributionRunner.run(context, method: Self.name, signed: true, reduction: .maxAbs, gradientImage: true,
                                                conventions: conventions) { classes in
      let guided = try ScoreGradients.inputGradients(context.network, context.images, classes: classes, rule: rule, batch: batch)
      var values: [Tensor] = []
      for (imageIndex, attribution) in PixelAttributionRunner.split(guided.gradients).enumerated() {
        // Grad-CAM items are image-major with the targets in order; pick this (image, target).
        let item = maps.items.filter { $0.imageIndex == imageIndex }[mapIndex]
        let map = item.map
        let upsampled = upsample.resize(map.values, height: map.shape[0], width: map.shape[1], toHeight: height, width: width)
        let plane = height * width
        values.append(Tensor(shape: attribution.shape, values: attribution.values.enumerated().map { $0.element * upsampled[$0.offset % plane] }))
      }
      mapIndex += 1
      return (values, [])
    }
    output.conventions.append(contentsOf: camConventions.filter { $0.key == "layer" })
    return output
  }
}
