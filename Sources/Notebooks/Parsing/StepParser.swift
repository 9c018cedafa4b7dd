// One step's YAML (`grad-cam: {image: cat, target: [top1, espresso]}`) -> `Step`, with the method
// name, every setting and every image/dataset name checked here, before anything runs, so a typo
// fails in a second with the notebook position and a suggestion.
import Foundation
import Methods
import Yams

/// Steps that are not visualization methods but belong in every report.
enum BuiltInStep {
  static let predict = "predict"
  static let names = [predict]
  /// (setting, meaning) per built-in step.
  static let settingsHelp: [String: [(String, String)]] = [
    predict: [("top", "how many classes to list per image (default 5)")],
  ]
}

struct StepParser {
  let source: YAMLText
  let imageNames: [String]
  let datasetNames: [String]

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
    for (key, keyNode, value) in pairs {
      let keyLocation = source.location(of: keyNode)
      step.keyLocations[key] = keyLocation
      switch key {
      case "image", "images": step.images = try imageList(value)
      case "target", "targets": step.targets = try textList(value, key: key)
      case "colormap":
        let text = try scalar(value, key: key)
        guard (try? Colormap.named(text)) != nil else {
          let names = Colormap.allCases.map(\.rawValue)
          throw NotebookError("unknown colormap '\(text)'" + Suggestions.hint(for: text, in: names), at: source.location(of: value))
        }
        step.colormap = text
      case "alpha":
        guard let alpha = Double(try scalar(value, key: key)), (0...1).contains(alpha) else {
          throw NotebookError("alpha must be a number from 0 to 1 (overlay opacity)", at: source.location(of: value))
        }
        step.alpha = alpha
      case "dataset":
        let text = try scalar(value, key: key)
        guard datasetNames.contains(text) else {
          throw NotebookError("no dataset named '\(text)' in the front matter" + Suggestions.hint(for: text, in: datasetNames),
                              at: source.location(of: value))
        }
        step.dataset = text
      default:
        guard known.contains(key) else {
          let hint = Suggestions.hint(for: key, in: known + Step.stepKeys)
          throw NotebookError("unknown setting '\(key)' for \(name)\(hint)", at: keyLocation)
        }
        step.settings[key] = try value.stepValue(in: source, key: key)
        try checkSetting(key, of: step, at: source.location(of: value))
      }
    }
    try checkAllSettings(step)
    return step
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
    if step.name == BuiltInStep.predict {
      guard case .int(let top) = step.settings[key], top >= 1 else {
        throw NotebookError("predict: 'top' must be a positive integer", at: location)
      }
      return
    }
    // Keys an evaluation passes on to the method it judges depend on its `method`: checked with the whole step.
    guard MethodRegistry.all.first(where: { $0.name == step.name })?.settingsHelp.contains(where: { $0.0 == key }) ?? true else { return }
    do {
      _ = try StepMethods.make(step.name, settings: step.settings.filter { $0.key == key })
    } catch let error as NotebookError {
      throw NotebookError(error.message, at: location)
    }
  }

  /// Settings that are only wrong together (e.g. ranges) are reported at the step.
  private func checkAllSettings(_ step: Step) throws {
    guard step.name != BuiltInStep.predict else { return }
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
  /// The method `name` decoded from `settings` (through JSON, the way the method's `init(from:)`
  /// expects); method errors become `NotebookError`s without a location.
  static func make(_ name: String, settings: [String: StepValue]) throws -> any VisualizationMethod {
    guard let type = MethodRegistry.all.first(where: { $0.name == name }) else {
      throw NotebookError("unknown method '\(name)'")
    }
    let data = try JSONEncoder().encode(settings)
    do {
      return try JSONDecoder().decode(type, from: data)
    } catch let error as MethodError {
      throw NotebookError(error.description)
    } catch let DecodingError.typeMismatch(_, context), let DecodingError.dataCorrupted(context) {
      throw NotebookError("\(name): \(context.debugDescription)")
    } catch {
      throw NotebookError("\(name): the settings could not be read (\(error))")
    }
  }
}
