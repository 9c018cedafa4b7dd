import Engine
import Foundation

/// Average Drop and Increase in Confidence (Chattopadhay et al., Grad-CAM++, WACV 2018, §6.1) of any
/// method's maps: the class probability Y on the image against O on its explanation map
/// E = x ⊙ M (M the map scaled to a peak of 1). Average Drop = 100 · mean max(0, Y − O) / Y (lower
/// is better: the map keeps what the class needs); Increase in Confidence = 100 · fraction of
/// (image, class) pairs with O > Y (higher is better).
public struct AverageDrop: EvaluationMethod {
  public static let name = "average-drop"
  public static let summary = "Average Drop and Increase in Confidence of another method's maps on image ⊙ map (Chattopadhay et al. 2018)."
  public var judged = JudgedMethod()
  public var batch = 16

  public static let settings: [Setting<AverageDrop>] = [.method, Setting("batch", \.batch, "explanation images per forward pass", .atLeast(1))]

  public init() {}

  public func run(_ context: MethodContext) throws -> MethodOutput {
    let shape = try context.validatedImageShape()
    let imageShape = Array(shape.dropFirst())  // [C, H, W]
    let (maps, signed, _, judgedConventions) = try judged.maps(context, evaluation: Self.name)
    context.progress(Self.name, 0, 1)
    // O for every (image, class), all explanation images in batches.
    let explained = try Faithfulness.probabilities(
      context.network, imageShape: imageShape, count: maps.count, batch: batch, classOf: { maps[$0].target.index }) { index in
      Faithfulness.explanationImage(context.images.item(maps[index].imageIndex).values, map: maps[index].atInput,
                                    channels: imageShape[0])
    }
    context.progress(Self.name, 1, 1)
    let original = maps.map(\.target.probability)  // Y: softmax of the unperturbed scores
    let items = maps.enumerated().map { index, map in
      let (y, o) = (original[index], explained[index])
      return Evaluation.Item(imageIndex: map.imageIndex, target: map.target, measurements: [
        Metric("Y (image)", Double(y)), Metric("O (image ⊙ map)", Double(o)),
        Metric("drop %", y > 0 ? 100 * Double(max(0, y - o) / y) : 0), Metric("increase", o > y ? 1 : 0),
      ])
    }
    let (drop, increase) = Faithfulness.averageDrop(original: original, explained: explained)
    let conventions = [Convention("method", Self.name)] + JudgedMethod.conventions(judgedConventions) + [
      Convention("explanation map", "E = x ⊙ M, M = max(map, 0) / max(map) at the input size (CAM maps upsampled bilinearly), in normalised space (0 = the dataset mean colour)"),
      Convention("score", "softmax probability of the target class: Y on the image, O on E"),
      Convention("Average Drop", "100 · mean max(0, Y − O) / Y = \(String(format: "%.2f", drop)) % over \(maps.count) map(s)"),
      Convention("Increase in Confidence", "100 · fraction with O > Y = \(String(format: "%.2f", increase)) %"),
      Convention("batch", String(batch)),
    ]
    return MethodOutput(.evaluation(Evaluation(method: judged.name, signed: signed, items: items, summary: [
      Metric("Average Drop %", drop), Metric("Increase in Confidence %", increase),
    ])), conventions: conventions)
  }
}
