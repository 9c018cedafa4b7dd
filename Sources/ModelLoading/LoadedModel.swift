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
  /// True for the bundled EfficientNet-Lite0.
  public let isBundled: Bool

  /// Loads `path` (nil: the bundled model). Labels default to the ImageNet names for 1000-class
  /// models; the preset defaults to the bundled model's own, or torchvision's `imagenet`.
  public static func load(path: String?, labelsPath: String? = nil, presetName: String? = nil) throws -> LoadedModel {
    let bundled = path == nil
    let url = try path.map { URL(fileURLWithPath: $0) } ?? BundledResources.model(BundledResources.defaultModelName)
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw ModelLoadingError("model file not found: \(url.path)")
    }
    let network = try ONNXNetworkLoader.load(contentsOf: url)
    let preset = try presetName.map { try PreprocessPreset.named($0) } ?? (bundled ? .efficientNetLite : .imagenet)
    var labels: ClassLabels?
    if let labelsPath {
      labels = try ClassLabels.load(contentsOf: URL(fileURLWithPath: labelsPath))
    } else if let bundledLabels = try? BundledResources.model(BundledResources.defaultLabelsName),
              FileManager.default.fileExists(atPath: bundledLabels.path) {
      labels = try ClassLabels.load(contentsOf: bundledLabels)
    }
    return LoadedModel(network: network, url: url, labels: labels, preset: preset, isBundled: bundled)
  }

  /// The label of class `index`, or "class N" without labels.
  public func label(_ index: Int) -> String {
    guard let labels, index >= 0, index < labels.count else { return "class \(index)" }
    return labels.names[index]
  }
}
