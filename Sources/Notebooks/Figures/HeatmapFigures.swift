// Heatmap figures (CAM maps and pixel attributions): per image, the plain picture the model saw
// beside the map overlaid on it, one overlay per target class (HTML: a class switcher). Every
// pixel comes from `MapDisplay`; the caption adds its conventions to the method's.
import Document
import Foundation
import Methods

/// What a step's stored maps are, as `MapDisplay` needs to know.
enum MapKind {
  /// CAM-family maps [h, w].
  case layer(signed: Bool)
  /// Pixel attributions [C, H, W].
  case pixel(reduction: ChannelReduction, signed: Bool, gradientImage: Bool)

  /// The kind and items of a map payload; nil for other payloads.
  static func of(_ payload: StoredPayload) -> (kind: MapKind, items: [StoredMap])? {
    switch payload {
    case .layerMaps(_, _, let signed, let items):
      return (.layer(signed: signed), items)
    case .pixelAttributions(let signed, let reduction, let gradientImage, let items):
      return (.pixel(reduction: ChannelReduction(rawValue: reduction) ?? .sum, signed: signed, gradientImage: gradientImage), items)
    default:
      return nil
    }
  }

  /// `MapDisplay`'s view of one stored map.
  func source(_ values: StoredTensor, method: String) throws -> MapDisplay.Source {
    let shape = values.shape
    switch self {
    case .layer(let signed):
      guard shape.count == 2 else { throw NotebookError("\(method): map shape \(shape) is not [h, w]") }
      return .layerMap(values.values.values, height: shape[0], width: shape[1], signed: signed)
    case .pixel(let reduction, let signed, let gradientImage):
      guard shape.count == 3 else { throw NotebookError("\(method): attribution shape \(shape) is not [C, H, W]") }
      return .attribution(values.values.values, channels: shape[0], height: shape[1], width: shape[2], reduction: reduction,
                          signed: signed, gradientImage: gradientImage)
    }
  }

  var atInputResolution: Bool { if case .pixel = self { return true } else { return false } }
}

struct HeatmapFigures {
  let builder: FigureBuilder
  let output: StepOutput
  let step: Step
  let kind: MapKind

  private var method: String { output.convention("method") ?? step.name }

  func figures(_ items: [StoredMap]) throws -> [Figure] {
    try output.imageNames.enumerated().compactMap { imageIndex, name in
      let mine = items.filter { $0.imageIndex == imageIndex }
      return mine.isEmpty ? nil : try figure(image: name, items: mine)
    }
  }

  private func figure(image name: String, items: [StoredMap]) throws -> Figure {
    guard let picture = try builder.picture(name) else {
      throw NotebookError("step '\(step.name)': image '\(name)' is missing from the run")
    }
    let display = MapDisplay(step.display)
    let input = FigurePanel(image: picture, label: "input: \(name)")
    var shown: [(label: String, map: FigurePanel, overlay: FigurePanel, conventions: [Convention], colorbar: Colorbar?)] = []
    for item in items {
      let result = try display.show(try kind.source(item.values, method: method), picture: picture, size: [picture.height, picture.width])
      let label = FigureBuilder.classLabel(item.target)
      shown.append((label, FigurePanel(image: result.map, label: "\(method) map"),
                    FigurePanel(image: picture, overlay: result.map, alpha: result.alpha, blended: result.overlay, label: label),
                    result.conventions, result.colorbar))
    }
    // Paged output: the input, then (one class) the map and overlay of a heatmap attribution or the
    // overlay alone, or (several classes) one overlay per class. An RGB picture at α = 1 is its own overlay.
    let withMap = kind.atInputResolution && shown.first?.colorbar != nil
    let panels = shown.count == 1 && withMap ? [input, shown[0].map, shown[0].overlay] : [input] + shown.map(\.overlay)
    let variants = shown.count > 1
      ? shown.map { FigureVariant(label: $0.label, panels: withMap ? [input, $0.map, $0.overlay] : [input, $0.overlay]) }
      : []
    var colorbar = shown.first?.colorbar
    if let title = colorbar?.title { colorbar?.title = "\(method): \(title)" }
    return Figure(id: builder.figureID(method, name), panels: panels,
                  caption: caption(image: name, items: items, display: shown.first?.conventions ?? []),
                  colorbar: colorbar, variants: variants, kind: .heatmap)
  }

  private func caption(image name: String, items: [StoredMap], display: [Convention]) -> String {
    var extra: [[String]] = [["image", "\(name) (the model's input after preprocessing)"],
                             ["target class", items.map { FigureBuilder.classDescription($0.target) }.joined(separator: ", ")]]
    for item in items {
      for (key, value) in item.measurements.sorted(by: { $0.key < $1.key }) {
        extra.append([key + (items.count > 1 ? " (\(item.target.label))" : ""), String(format: "%.4g", value)])
      }
    }
    return builder.caption(output, step: step, extra: extra, skipping: ["class"], display: display)
  }
}
