import Engine
import Foundation

/// Class visualization by gradient ascent (Simonyan et al. 2013): a picture that maximises the
/// pre-softmax score y^c from a seeded start, with the `simonyan`, `cs231n`, `yosinski` and `lucid`
/// recipes (`ClassVisualizationPreset`). Returns one picture per target class and the score curve;
/// captions give the probability of the untransformed picture and its high-frequency energy.
public struct ClassVisualization: VisualizationMethod {
  public static let name = "class-visualization"
  public static let summary = "A picture that maximises a class score by gradient ascent; presets simonyan, cs231n, yosinski, lucid."
  public var preset = ClassVisualizationPreset.named(.lucid)
  public var scaling = InputScaling.efficientNetLite

  /// `preset` comes first: it sets the steps, learning rate and λ the later keys may change.
  public static let settings: [Setting<ClassVisualization>] = [
    Setting("preset", \.preset, "simonyan, cs231n, yosinski or lucid"),
    Setting("steps", \.preset.steps, "gradient steps", default: "the preset's", .atLeast(1)),
    Setting("learning-rate", \.preset.learningRate, "step size", default: "the preset's", .positive),
    Setting("l2", \.preset.l2, "λ of −λ‖x‖² (simonyan, cs231n)", default: "the preset's", .atLeast(0)),
    Setting("preprocess", \.scaling, "how a [0, 1] picture becomes the model input: efficientnet-lite, imagenet or none"),
  ]

  public init() {}

  public func run(_ context: MethodContext) throws -> MethodOutput {
    let shape = try context.validatedImageShape()
    guard shape[1] == 3 else { throw MethodError("class-visualization needs a 3-channel model input, got \(shape)") }
    let inputShape = [1, 3, shape[2], shape[3]]
    // Targets are resolved against the first image's scores (so `top1` means its top class).
    let firstRow = try ScoreGradients.scores(context.network, context.images.item(0)).values
    var cells: [ImageGrid.Cell] = []
    var series: [Curve.Series] = []
    var measurements: [Convention] = []
    for (number, target) in context.targets.enumerated() {
      let classIndex = try target.resolve(scores: firstRow, classNames: context.classNames)
      let score = ClassScoreGradient(network: context.network, classIndex: classIndex, shape: inputShape)
      let seed = context.seed &+ UInt64(number)
      let progress: (Int, Int) -> Void = { context.progress("class-visualization \(context.className(classIndex))", $0, $1) }
      let picture: [Float], curve: [Float]
      if preset.name == .lucid {
        (picture, curve) = try LucidAscent.run(preset, score: score, scaling: scaling, seed: seed, progress: progress)
      } else {
        let result = try PixelAscent.run(preset, score: score, scaling: scaling, seed: seed, progress: progress)
        picture = Self.display(scaling.picture(fromInput: result.input), minMax: !preset.clamp)
        curve = result.scores
      }
      let finalRow = try score.scores(scaling.input(fromPicture: picture))
      let probability = softmax(finalRow)[classIndex]
      let energy = ImageFilters.highFrequencyEnergy(picture, height: shape[2], width: shape[3])
      let label = context.className(classIndex)
      cells.append(ImageGrid.Cell(image: Tensor(shape: [3, shape[2], shape[3]], values: picture),
                                  caption: "\(label) (\(classIndex)) · p = \(BehaviourMath.format(probability, digits: 3))"))
      series.append(Curve.Series(name: "\(label) (\(classIndex))", x: curve.indices.map { Float($0) }, y: curve))
      measurements.append(Convention("result \(label) (\(classIndex))",
        "y = \(BehaviourMath.format(finalRow[classIndex])), p = \(BehaviourMath.format(probability, digits: 4)) on the untransformed picture; "
        + "high-frequency energy \(energy.map { String(format: "%.4f", $0) } ?? "n/a")"))
    }
    let curve = Curve(xLabel: "step", yLabel: preset.name == .lucid ? "y^c (transformed picture)" : "y^c", series: series)
    return MethodOutput(.imageGrid(ImageGrid(columns: min(cells.count, 4), cells: cells, curve: curve)), conventions: [
      Convention("method", "class visualization by gradient ascent (Simonyan 2013)"),
      Convention("preset", preset.summary), Convention("score", "pre-softmax logit of '\(ClassScores.tensorName(context.network))'"),
      Convention("input", scaling.description), Convention("seed", String(context.seed)),
      Convention("high-frequency energy", "share of spectral power above 0.25 cycles/pixel"),
    ] + measurements)
  }

  /// Picture values to [0, 1]: clamped, or min-max scaled over the whole picture.
  static func display(_ picture: [Float], minMax: Bool) -> [Float] {
    minMax ? Normalization.minMax(picture) : picture.map { min(max($0, 0), 1) }
  }
}
