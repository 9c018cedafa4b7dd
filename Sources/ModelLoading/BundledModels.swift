import Foundation
import Imaging

/// A model that ships in `Models/`, with the preprocessing it was trained with and its class names.
/// `BundledModel.all` is the one table of them: `bundled:NAME` names one wherever a model path is
/// accepted (`--model`, `inspect`, a notebook's `model:` and `models:`), and `ModelFile` takes each
/// one's preset and labels from here.
public struct BundledModel: Sendable, Equatable {
  /// What follows `bundled:`, and the file's stem under `Models/` ("squeezenet1.1").
  public let name: String
  /// How captions name it ("SqueezeNet 1.1").
  public let title: String
  /// The preprocessing it was trained with, its default preset.
  public let preset: PreprocessPreset
  /// Its class names under `Models/`, one per line in index order.
  public let labelsFile: String

  public var fileName: String { name + ".onnx" }
  /// "bundled:squeezenet1.1", as a notebook or `--model` writes it.
  public var reference: String { Self.scheme + name }

  public static let efficientNetLite0 = BundledModel(
    name: "efficientnet-lite0", title: "EfficientNet-Lite0", preset: .efficientNetLite, labelsFile: "imagenet_classes.txt")
  public static let squeezeNet11 = BundledModel(
    name: "squeezenet1.1", title: "SqueezeNet 1.1", preset: .imagenet, labelsFile: "imagenet_classes.txt")

  public static let all = [efficientNetLite0, squeezeNet11]
  /// The model used when none is named.
  public static let standard = efficientNetLite0
  /// The prefix that marks a bundled model where a file path could stand.
  public static let scheme = "bundled:"

  /// The bundled model `text` names (`bundled:NAME`, or `bundled:FILE` as the run manifest writes it);
  /// nil when `text` is a file path. An unknown name throws, listing the bundled models.
  public static func referenced(by text: String) throws -> BundledModel? {
    guard text.hasPrefix(scheme) else { return nil }
    return try named(String(text.dropFirst(scheme.count)))
  }

  /// The bundled model called `name` (with or without `.onnx`, case-insensitive).
  public static func named(_ name: String) throws -> BundledModel {
    let stem = name.lowercased().hasSuffix(".onnx") ? String(name.dropLast(5)) : name
    if let model = all.first(where: { $0.name.caseInsensitiveCompare(stem) == .orderedSame }) { return model }
    let names = all.map(\.name)
    // Only a near miss is worth suggesting: anything else just gets the list.
    let close = EditDistance.closest(to: stem, among: names, count: 1)
      .filter { EditDistance.distance(stem, $0) <= max(2, stem.count / 2) }
    let hint = close.first.map { " (did you mean '\(scheme)\($0)'?)" } ?? ""
    throw ModelLoadingError("unknown bundled model '\(stem)'\(hint); bundled models: "
                            + names.map { scheme + $0 }.joined(separator: ", "))
  }

  /// The model file (which may be missing from a checkout that does not ship it).
  public func url() throws -> URL { try BundledResources.model(fileName) }
}

/// Where a model comes from: a file the user names, or a bundled model. The one rule for what a
/// model defaults to: a bundled model's own preset and class names, any other file torchvision's
/// `imagenet` preset and the bundled ImageNet class names.
public enum ModelFile: Sendable, Equatable {
  case bundled(BundledModel)
  case file(URL)

  /// A model as written on the command line or in a notebook: nil is the standard bundled model,
  /// `bundled:NAME` a bundled one, anything else a file path.
  public init(_ written: String?) throws {
    guard let written else {
      self = .bundled(.standard)
      return
    }
    if let bundled = try BundledModel.referenced(by: written) {
      self = .bundled(bundled)
    } else {
      self = .file(URL(fileURLWithPath: written))
    }
  }

  public var bundled: BundledModel? { if case .bundled(let model) = self { return model } else { return nil } }

  /// The model file; an error when a bundled model's folder cannot be found.
  public func url() throws -> URL {
    switch self {
    case .bundled(let model): return try model.url()
    case .file(let url): return url
    }
  }

  /// The existing model file, or an error naming what is missing.
  public func existingURL() throws -> URL {
    let url = try url()
    guard FileManager.default.fileExists(atPath: url.path) else {
      if let bundled {
        throw ModelLoadingError("the bundled model \(bundled.reference) is not installed: \(url.path) not found")
      }
      throw ModelLoadingError("model file not found: \(url.path)")
    }
    return url
  }

  /// The preset used when none is given.
  public var defaultPreset: PreprocessPreset { bundled?.preset ?? .imagenet }

  /// The class names used when none are given (nil when the bundled file cannot be found).
  public var defaultLabels: URL? {
    guard let url = try? BundledResources.model(bundled?.labelsFile ?? BundledResources.defaultLabelsName),
          FileManager.default.fileExists(atPath: url.path) else { return nil }
    return url
  }
}
