import Engine

/// Integrated Gradients (Sundararajan et al. 2017): (x − x') · ∫₀¹ ∂y^c(x' + α(x − x'))/∂x dα with a
/// constant baseline x', the integral by Gauss-Legendre (captum's default) or the trapezoid rule.
/// Reports the completeness gap Σ attr − (y(x) − y(x')).
public struct IntegratedGradients: VisualizationMethod {
  public static let name = "integrated-gradients"
  public static let summary = "Gradients integrated along the straight path from a baseline to the image (Sundararajan 2017)."
  public var steps = 32
  public var rule: Quadrature = .gaussLegendre
  public var baseline: Float = 0
  public var batch = 8

  public static let settings: [Setting<IntegratedGradients>] = [
    Setting("steps", \.steps, "quadrature points", .atLeast(2)),
    Setting("rule", \.rule, "gauss-legendre (captum's default) or riemann-trapezoid"),
    Setting("baseline", \.baseline, "constant baseline value in normalised space"),
    Setting("batch", \.batch, "path points per backward pass", .atLeast(1)),
  ]

  public init() {}

  public func run(_ context: MethodContext) throws -> MethodOutput {
    let (nodes, weights) = rule.nodesAndWeights(steps)
    let conventions = [Convention("steps", String(steps)), Convention("rule", rule.rawValue),
                       Convention("baseline", "constant \(baseline) (normalised space)")]
    return try PixelAttributionRunner.run(context, method: Self.name, signed: true, reduction: .sum,
                                          conventions: conventions) { classes in
      var values: [Tensor] = []
      var measurements: [[Metric]] = []
      for imageIndex in 0..<context.imageCount {
        let image = context.images.item(imageIndex)  // [1, C, H, W]
        let path = nodes.map { alpha in
          Tensor(shape: image.shape, values: image.values.map { baseline + Float(alpha) * ($0 - baseline) })
        }
        let baselineImage = Tensor(shape: image.shape, values: [Float](repeating: baseline, count: image.count))
        let result = try ScoreGradients.inputGradients(context.network, Tensor.batch(path + [image, baselineImage]),
                                                       classes: Array(repeating: classes[imageIndex], count: steps + 2),
                                                       rule: .standard, batch: batch)
        var integral = [Double](repeating: 0, count: image.count)
        for (step, weight) in weights.enumerated() {
          for position in 0..<image.count {
            integral[position] += weight * Double(result.gradients.values[step * image.count + position])
          }
        }
        let attribution = (0..<image.count).map { Float(Double(image.values[$0] - baseline) * integral[$0]) }
        let total = attribution.reduce(0.0) { $0 + Double($1) }
        let difference = Double(result.scores[steps]) - Double(result.scores[steps + 1])
        values.append(Tensor(shape: Array(image.shape.dropFirst()), values: attribution))
        measurements.append([Metric("completeness gap", total - difference),
                             Metric("score difference y(x) - y(baseline)", difference)])
      }
      return (values, measurements)
    }
  }
}
