// One step's YAML (`grad-cam: {image: cat, target: [top1, espresso]}`) -> `Step`, with the method
// name, every setting and every image/dataset name checked here, before anything runs, so a typo
// fails in a second with the notebook position and a suggestion.
import Foundation
import Document
import Methods
import Yams

/// Steps that are not visualization methods but belong in every report.
enum BuiltInStep {
  static let predict = "predict"
  /// Several map methods on the same images and classes, as one grid figure.
  static let compare = "compare"
  static let names = [predict, compare]
  /// (setting, meaning) per built-in step.
  static let settingsHelp: [String: [(String, String)]] = [
    predict: [("top", "how many classes to list per image (default 5)")],
    compare: [("methods", "the map methods to compare, one column each: [grad-cam, {score-cam: {batch: 32}}, ...]")],
  ]
}

struct StepParser {
  let source: YAMLText
  let imageNames: [String]
  let datasetNames: [String]
  /// The names of the front matter's `models:` (a step may also say `model: default`).
  var modelNames: [String] = []

  /// Every step name a notebook may use.
  static var knownNames: [String] { BuiltInStep.names + MethodRegistry.names }

  func parse(_ node: Node?) throws -> Step {
    guard let node, !node.isNull else {
      throw NotebookError("empty convlens step; write one step such as `grad-cam: {image: cat}`", at: source.start)
    }
    let name: String, nameNode: Node, body: Node?
    if let text = node.scalarText {
      (name, nameNode, body) = (text, node, nil)
    } else if let pairs = node.orderedPairs {
      guard pairs.count == 1, let pair = pairs.first else {
        let names = pairs.map { "'\($0.key)'" }.joined(separator: ", ")
        throw NotebookError("a step block holds exactly one step, found \(pairs.count) (\(names)); give each its own block",
                            at: source.location(of: node))
      }
      (name, nameNode, body) = (pair.key, pair.keyNode, pair.value)
    } else {
      throw NotebookError("a step is `method: {settings}`, not a list", at: source.location(of: node))
    }
    let location = source.location(of: nameNode)
    let known = try settingNames(for: name, at: location)
    var step = Step(name: name, location: location)
    guard let body, !body.isNull else { return step }
    guard let pairs = body.orderedPairs else {
      throw NotebookError("the settings of '\(name)' must be key: value pairs, e.g. {image: cat, target: top1}",
                          at: source.location(of: body))
    }
    var queriesDataset: (name: String, node: Node)?
    for (key, keyNode, value) in pairs {
      let keyLocation = source.location(of: keyNode)
      step.keyLocations[key] = keyLocation
      switch key {
      case "image", "images": step.images = try imageList(value)
      case "target", "targets": step.targets = try textList(value, key: key)
      case "dataset": step.dataset = try datasetName(value)
      case "model": step.model = try modelName(value)
      case "label":
        let text = try scalar(value, key: key)
        guard FigureReference.isValidLabel(text) else {
          throw NotebookError("a label is 'fig-' and letters, digits, '-' or '_' (e.g. fig-gradcam), got '\(text)'", at: source.location(of: value))
        }
        step.label = text
      case _ where DisplaySettings.keys.contains(key):
        do {
          try step.display.set(key, to: try value.stepValue(in: source, key: key))
        } catch let error as MethodError {
          throw NotebookError(error.description, at: source.location(of: value))
        }
      case "methods" where name == BuiltInStep.compare:
        step.columns = try columns(value)
      case "queries" where name == NearestNeighbours.name && value.orderedPairs != nil:
        // `queries: {dataset: fashion, per-class: 1}`: queries are images of the step's dataset.
        queriesDataset = try datasetQueries(value, into: &step)
      default:
        guard known.contains(key) else {
          let hint = Suggestions.hint(for: key, in: known + Step.stepKeys)
          throw NotebookError("unknown setting '\(key)' for \(name)\(hint)", at: keyLocation)
        }
        step.settings[key] = try value.stepValue(in: source, key: key)
        try checkSetting(key, of: step, at: source.location(of: value))
      }
    }
    if let queriesDataset {
      guard step.dataset == nil || step.dataset == queriesDataset.name else {
        throw NotebookError("the queries come from the dataset the step searches ('\(step.dataset ?? "")'), not '\(queriesDataset.name)'",
                            at: source.location(of: queriesDataset.node))
      }
      step.dataset = queriesDataset.name
    }
    if name == BuiltInStep.compare && step.columns.isEmpty {
      throw NotebookError("compare needs `methods: [...]`, the map methods to show side by side", at: location)
    }
    try checkAllSettings(step)
    return step
  }

  private func datasetName(_ node: Node) throws -> String {
    let text = try scalar(node, key: "dataset")
    guard datasetNames.contains(text) else {
      throw NotebookError("no dataset named '\(text)' in the front matter" + Suggestions.hint(for: text, in: datasetNames),
                          at: source.location(of: node))
    }
    return text
  }

  /// A name of `models:`, checked here so a typo fails before anything runs; `default` (the front
  /// matter's own model) becomes nil, like no `model:` at all.
  private func modelName(_ node: Node) throws -> String? {
    let text = try scalar(node, key: "model")
    if text == ModelSpec.defaultName { return nil }
    guard modelNames.contains(text) else {
      if modelNames.isEmpty {
        throw NotebookError("no model named '\(text)': the front matter declares no `models:` "
                            + "(e.g. `models: {squeezenet: bundled:squeezenet1.1}`)", at: source.location(of: node))
      }
      throw NotebookError("no model named '\(text)' in the front matter's models"
                          + Suggestions.hint(for: text, in: [ModelSpec.defaultName] + modelNames), at: source.location(of: node))
    }
    return text
  }

  /// `queries: {dataset: NAME, per-class: N}` -> settings `queries: dataset`, `per-class: N`.
  private func datasetQueries(_ node: Node, into step: inout Step) throws -> (name: String, node: Node) {
    var found: (name: String, node: Node)?
    for (key, keyNode, value) in node.orderedPairs ?? [] {
      switch key {
      case "dataset": found = (try datasetName(value), value)
      case "per-class": step.settings["per-class"] = try value.stepValue(in: source, key: key)
      default:
        throw NotebookError("unknown key '\(key)' in queries" + Suggestions.hint(for: key, in: ["dataset", "per-class"]),
                            at: source.location(of: keyNode))
      }
    }
    guard let found else {
      throw NotebookError("queries from a dataset name it: `queries: {dataset: NAME, per-class: 1}`", at: source.location(of: node))
    }
    step.settings["queries"] = .string("dataset")
    try checkSetting("per-class", of: step, at: source.location(of: node))
    return found
  }

  /// The columns of a `compare` step: each a map method, alone or with its own settings and display
  /// keys (`{score-cam: {batch: 32}}`); images, targets and labels belong to the step.
  private func columns(_ node: Node) throws -> [Step] {
    guard case .sequence(let items) = node, !items.isEmpty else {
      throw NotebookError("compare: 'methods' is a list of map methods, e.g. [grad-cam, {score-cam: {batch: 32}}]", at: source.location(of: node))
    }
    return try items.map { item in
      let column = try parse(item)
      let stepOnly = Step.ownKeys.filter { column.keyLocations[$0] != nil }
      if let key = stepOnly.first {
        throw NotebookError("compare: '\(key)' belongs to the compare step, not to one column", at: column.keyLocations[key] ?? column.location)
      }
      let type = MethodRegistry.all.first { $0.name == column.name }
      guard let type, !(type is any EvaluationMethod.Type) else {
        throw NotebookError("compare shows the maps of map methods (grad-cam, saliency, ...); '\(column.name)' makes none", at: column.location)
      }
      return column
    }
  }

  private func settingNames(for name: String, at location: SourceLocation) throws -> [String] {
    if let help = BuiltInStep.settingsHelp[name] { return help.map(\.0) }
    guard let type = MethodRegistry.all.first(where: { $0.name == name }) else {
      throw NotebookError("unknown step '\(name)'" + Suggestions.hint(for: name, in: StepParser.knownNames, listing: true), at: location)
    }
    return type.settingNames
  }

  /// Decodes the method with only `key` set, so a bad value is reported at its own position.
  private func checkSetting(_ key: String, of step: Step, at location: SourceLocation) throws {
    if step.name == BuiltInStep.compare { return }
    if step.name == BuiltInStep.predict {
      guard case .int(let top) = step.settings[key], top >= 1 else {
        throw NotebookError("predict: 'top' must be a positive integer", at: location)
      }
      return
    }
    // Keys an evaluation passes on to the method it judges depend on its `method`: checked with the whole step.
    guard MethodRegistry.all.first(where: { $0.name == step.name })?.ownSettingNames.contains(key) ?? true else { return }
    do {
      _ = try StepMethods.make(step.name, settings: step.settings.filter { $0.key == key })
    } catch let error as NotebookError {
      throw NotebookError(error.message, at: location)
    }
  }

  /// Settings that are only wrong together (e.g. ranges) are reported at the step.
  private func checkAllSettings(_ step: Step) throws {
    guard !BuiltInStep.names.contains(step.name) else { return }
    do {
      _ = try StepMethods.make(step.name, settings: step.settings)
    } catch let error as NotebookError {
      throw NotebookError(error.message, at: step.location)
    }
  }

  private func scalar(_ node: Node, key: String) throws -> String {
    guard let text = node.scalarText else {
      throw NotebookError("'\(key)' must be a single value", at: source.location(of: node))
    }
    return text
  }

  private func textList(_ node: Node, key: String) throws -> [String] {
    if case .sequence(let sequence) = node {
      return try sequence.map { try scalar($0, key: key) }
    }
    return [try scalar(node, key: key)]
  }

  private func imageList(_ node: Node) throws -> [String] {
    let names = try textList(node, key: "image")
    if names == ["all"] { return [] }
    for (index, name) in names.enumerated() where !imageNames.contains(name) {
      let itemNode: Node
      if case .sequence(let sequence) = node { itemNode = sequence[index] } else { itemNode = node }
      throw NotebookError("no image named '\(name)' in the front matter's images"
                          + Suggestions.hint(for: name, in: imageNames + ["all"]), at: source.location(of: itemNode))
    }
    return names
  }
}

/// Building methods from step settings.
enum StepMethods {
  /// The method `name` with `settings` (`make(settings:)`, no detour); method errors become
  /// `NotebookError`s without a location.
  static func make(_ name: String, settings: [String: StepValue]) throws -> any VisualizationMethod {
    do {
      return try MethodRegistry.make(name, settings: settings)
    } catch let error as MethodError {
      throw NotebookError(error.description)
    }
  }
}
