import Engine
import Foundation

/// Deletion and insertion (Petsiuk et al., RISE, BMVC 2018, §4.1) of any method's maps: pixels are
/// removed from the image (deletion) or put into a blurred copy (insertion) in order of decreasing
/// map value, in `steps` equal steps; the curve is the class probability after each step and the
/// number its area (trapezoid over the fraction of pixels changed). A faithful map makes the
/// deletion curve fall fast (low AUC) and the insertion curve rise fast (high AUC).
public struct DeletionInsertion: EvaluationMethod {
  public static let name = "deletion-insertion"
  public static let summary = "Deletion and insertion curves and AUCs of another method's maps (Petsiuk et al., RISE, 2018)."
  public enum Baseline: String, Sendable, CaseIterable, SettingChoice { case zero, blur }

  public var judged = JudgedMethod()
  public var steps = 20
  public var batch = 16
  public var baseline = Baseline.zero
  public var blurSigma = 5.0

  public static let settings: [Setting<DeletionInsertion>] = [
    .method,
    Setting("steps", \.steps, "perturbation steps from 0 to every pixel", .atLeast(1)),
    Setting("batch", \.batch, "perturbed images per forward pass", .atLeast(1)),
    Setting("baseline", \.baseline, "what deleted pixels become: zero (0 in normalised space, the dataset mean colour) or blur"),
    Setting("blur-sigma", \.blurSigma, "σ in pixels of the Gaussian blur that insertion starts from (RISE's 5)", .positive),
  ]

  public init() {}

  public func run(_ context: MethodContext) throws -> MethodOutput {
    let shape = try context.validatedImageShape()
    let imageShape = Array(shape.dropFirst())  // [C, H, W]
    let (maps, signed, _, judgedConventions) = try judged.maps(context, evaluation: Self.name)
    var items: [Evaluation.Item] = []
    var blurred: [Int: [Float]] = [:]
    for (index, map) in maps.enumerated() {
      context.progress(Self.name, index, maps.count)
      let image = context.images.item(map.imageIndex).values
      if blurred[map.imageIndex] == nil {
        blurred[map.imageIndex] = Faithfulness.blur(image, channels: imageShape[0], height: imageShape[1], width: imageShape[2],
                                                    sigma: blurSigma)
      }
      let soft = blurred[map.imageIndex] ?? image
      let deletionEnd = baseline == .zero ? [Float](repeating: 0, count: image.count) : soft
      let deletion = try Faithfulness.curve(context.network, start: image, end: deletionEnd, map: map.atInput,
                                            imageShape: imageShape, classIndex: map.target.index, steps: steps, batch: batch)
      let insertion = try Faithfulness.curve(context.network, start: soft, end: image, map: map.atInput,
                                             imageShape: imageShape, classIndex: map.target.index, steps: steps, batch: batch)
      let x = (0...steps).map { Float($0) / Float(steps) }
      let curve = Curve(xLabel: "fraction of pixels deleted / inserted", yLabel: "p(\(map.target.label))",
                        series: [.init(name: "deletion", x: x, y: deletion), .init(name: "insertion", x: x, y: insertion)])
      items.append(Evaluation.Item(imageIndex: map.imageIndex, target: map.target, measurements: [
        Metric("deletion AUC", Faithfulness.auc(deletion)), Metric("insertion AUC", Faithfulness.auc(insertion)),
      ], curve: curve))
    }
    context.progress(Self.name, maps.count, maps.count)
    let mean = { (name: String) in items.reduce(0.0) { $0 + ($1.measurements.first { $0.name == name }?.value ?? 0) } / Double(max(items.count, 1)) }
    let summary = items.count > 1 ? [Metric("mean deletion AUC", mean("deletion AUC")),
                                     Metric("mean insertion AUC", mean("insertion AUC"))] : []
    let conventions = [Convention("method", Self.name)] + JudgedMethod.conventions(judgedConventions) + [
      Convention("order", "pixels by decreasing map value (CAM maps upsampled bilinearly to the input first), ties in raster order"),
      Convention("steps", "\(steps) (≈\(shape[2] * shape[3] / steps) pixels each, all channels)"),
      Convention("deletion", baseline == .zero ? "pixels set to 0 in normalised space (the dataset mean colour)"
                                               : "pixels replaced by the blurred image"),
      Convention("insertion", "from the image blurred with a Gaussian, σ \(blurSigma) px (edges replicated)"),
      Convention("score", "softmax probability of the target class"),
      Convention("AUC", "trapezoid over the fraction of pixels changed (RISE)"),
      Convention("batch", String(batch)),
    ]
    return MethodOutput(.evaluation(Evaluation(method: judged.name, signed: signed, items: items, summary: summary)),
                        conventions: conventions)
  }
}
