import Engine
import Foundation
import Imaging
import ONNXImport

/// A network ready to run, with what is needed to feed it and name its outputs.
public struct LoadedModel: Sendable {
  public let network: Network
  public let url: URL
  public let labels: ClassLabels?
  public let preset: PreprocessPreset
  /// Where it came from: a bundled model or a user's file.
  public let source: ModelFile

  /// True for a bundled model (`bundled:NAME`, or no model named).
  public var isBundled: Bool { source.bundled != nil }

  /// Loads `path`: nil for the standard bundled model, `bundled:NAME` for another bundled one, else
  /// an ONNX file. Labels and preset default to the model's own (`ModelFile`). `sharing`: the network
  /// of the same file loaded already (a notebook naming one file twice, with other labels or preset).
  public static func load(path: String?, labelsPath: String? = nil, presetName: String? = nil,
                          sharing loaded: Network? = nil) throws -> LoadedModel {
    let source = try ModelFile(path)
    let url = try source.existingURL()
    let network = try loaded ?? ONNXNetworkLoader.load(contentsOf: url)
    let preset = try presetName.map { try PreprocessPreset.named($0) } ?? source.defaultPreset
    let labels = try (labelsPath.map { URL(fileURLWithPath: $0) } ?? source.defaultLabels).map { try ClassLabels.load(contentsOf: $0) }
    return LoadedModel(network: network, url: url, labels: labels, preset: preset, source: source)
  }

  /// The label of class `index`, or "class N" without labels.
  public func label(_ index: Int) -> String {
    guard let labels, index >= 0, index < labels.count else { return "class \(index)" }
    return labels.names[index]
  }
}
