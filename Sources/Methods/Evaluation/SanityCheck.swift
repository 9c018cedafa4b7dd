import Engine
import Foundation

/// The model-parameter randomisation test of Adebayo et al. ("Sanity Checks for Saliency Maps",
/// NeurIPS 2018, §3.1, cascading randomisation): the layers with weights are re-initialised from the
/// top (logits) down, one more at each step and cumulatively, seeded; after each step the judged
/// method's map is recomputed for the same class and compared with the original map by Spearman
/// rank correlation (and SSIM). A map that explains the model must change once the model is gone;
/// one that stays alike shows the image, not the decision.
public struct SanityCheck: EvaluationMethod {
  public static let name = "sanity-check"
  public static let summary = "Cascading weight randomisation from the top (Adebayo et al. 2018): rank correlation of each map with the original."
  /// Which layers to randomise.
  public enum LayerSelection: Sendable, Equatable, CustomStringConvertible, SettingConvertible {
    case all
    case top(Int)
    case named([String])

    public init(setting value: SettingValue) throws {
      switch value {
      case .int(let count): self = .top(count)
      case .list(let items):
        self = .named(try items.map { item in
          guard case .string(let name) = item else { throw SettingMismatch.kind }
          return name
        })
      case .string(let given):
        let text = given.trimmingCharacters(in: .whitespaces)
        if text.lowercased() == "all" { self = .all } else if let count = Int(text) { self = .top(count) } else {
          self = .named(text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        }
      case .double, .bool, .mapping: throw SettingMismatch.kind
      }
    }
    public static var settingKind: String { "all, a count or layer names" }
    public var settingText: String { description }

    public var description: String {
      switch self {
      case .all: return "all"
      case .top(let count): return String(count)
      case .named(let names): return names.joined(separator: ", ")
      }
    }

    /// The layers to randomise, top (logits) first.
    func resolve(_ layers: [ParameterisedLayer]) throws -> [ParameterisedLayer] {
      let fromTop = Array(layers.reversed())
      guard !fromTop.isEmpty else { throw MethodError("sanity-check: the network has no layer with weights to randomise") }
      switch self {
      case .all: return fromTop
      case .top(let count):
        guard count >= 1 else { throw MethodError("sanity-check: layers must be at least 1, got \(count)") }
        return Array(fromTop.prefix(count))
      case .named(let names):
        let known = fromTop.map(\.name)
        for name in names where !known.contains(name) {
          let closest = closestNames(to: name, in: known, count: 3).map { "'\($0)'" }.joined(separator: ", ")
          throw MethodError("sanity-check: '\(name)' is not a layer with weights; closest: \(closest)")
        }
        return fromTop.filter { names.contains($0.name) }
      }
    }
  }

  public var judged = JudgedMethod()
  public var layers = LayerSelection.all
  public var seed: Int?
  public var initialisation = WeightInitialisation.truncatedNormal
  public var ssim = true

  public static let settings: [Setting<SanityCheck>] = [
    .method,
    Setting("layers", \.layers, "layers to randomise from the top, one per step: all, a count n (the top n), or names"),
    Setting("seed", \.seed, "seed of the random weights", default: "the run's seed", .atLeast(0)),
    Setting("init", \.initialisation, "truncated-normal (σ of the layer's own weights, cut at ±2σ) or kaiming"),
    Setting("ssim", \.ssim, "also report SSIM of the min-max scaled maps"),
  ]

  public init() {}

  public func run(_ context: MethodContext) throws -> MethodOutput {
    _ = try context.validatedImageShape()
    let cascade = try layers.resolve(context.network.parameterisedLayers)
    let weightSeed = seed.map { UInt64($0) } ?? context.seed
    let (originals, signed, reduction, judgedConventions) = try judged.maps(context, evaluation: Self.name)
    var panels = originals.map { [Evaluation.Panel(label: "original", map: $0.native, measurements: [])] }
    for step in 1...cascade.count {
      context.progress(Self.name, step - 1, cascade.count)
      let randomised = try context.network.randomisingWeights(of: Set(cascade.prefix(step).map(\.name)), seed: weightSeed,
                                                              initialisation: initialisation)
      // Per image, the classes of its original maps, by index: the randomised model's top-1 is another class.
      for imageIndex in 0..<context.imageCount {
        let mine = originals.indices.filter { originals[$0].imageIndex == imageIndex }
        guard !mine.isEmpty else { continue }
        let single = MethodContext(network: randomised, images: context.images.item(imageIndex), classNames: context.classNames,
                                   targets: mine.map { .index(originals[$0].target.index) }, seed: context.seed)
        let recomputed = try judged.maps(single, evaluation: Self.name).maps
        guard recomputed.count == mine.count else {
          throw MethodError("sanity-check: \(judged.name) gave \(recomputed.count) maps for \(mine.count) classes after randomising")
        }
        for (position, index) in mine.enumerated() {
          let map = recomputed[position].native
          panels[index].append(Evaluation.Panel(label: "+ \(cascade[step - 1].name)", map: map,
                                                measurements: compare(originals[index].native, map)))
        }
      }
    }
    context.progress(Self.name, cascade.count, cascade.count)
    let items = originals.enumerated().map { index, original in
      Evaluation.Item(imageIndex: original.imageIndex, target: original.target,
                      measurements: (panels[index].last?.measurements ?? []).map { Metric("\($0.name), all \(cascade.count) randomised", $0.value) },
                      panels: panels[index])
    }
    let names = cascade.map(\.name)
    let listed = names.count > 6 ? names.prefix(5).joined(separator: ", ") + ", … \(names.last ?? "")" : names.joined(separator: ", ")
    let conventions = [Convention("method", Self.name)] + JudgedMethod.conventions(judgedConventions) + [
      Convention("randomisation", "cascading from the top, \(cascade.count) layer(s): \(listed)"),
      Convention("weights", initialisation == .truncatedNormal
                 ? "truncated normal (±2σ), σ of each layer's own weights and biases" : "Kaiming normal (±2σ), zero biases"),
      Convention("seed", String(weightSeed)),
      Convention("class", "the original map's class, kept by index at every step"),
      Convention("similarity", "Spearman ρ of the maps (ties averaged)" + (ssim ? "; SSIM of the min-max scaled maps (7 × 7 window)" : "")),
    ]
    return MethodOutput(.evaluation(Evaluation(method: judged.name, signed: signed, reduction: reduction, items: items)), conventions: conventions)
  }

  /// Spearman ρ (and SSIM) of a recomputed map with the original, both [h, w].
  func compare(_ original: Tensor, _ map: Tensor) -> [Metric] {
    var result = [Metric("spearman", MapComparison.spearman(original.values, map.values))]
    if ssim, original.rank == 2, original.shape == map.shape {
      result.append(Metric("ssim", MapComparison.ssim(original.values, map.values, height: original.shape[0], width: original.shape[1])))
    }
    return result
  }
}

/// The initialisations a sanity check may draw random weights from (`init: kaiming`).
extension WeightInitialisation: SettingChoice {}
