// Heatmap figures (CAM maps and pixel attributions): per image, the plain picture the model saw
// beside the map overlaid on it, one overlay per target class (HTML: a class switcher). Every
// pixel comes from `MapDisplay`; the caption adds its conventions to the method's.
import Document
import Engine
import Foundation
import Methods

/// What a step's maps are, as `MapDisplay` needs to know.
enum MapKind {
  /// CAM-family maps [h, w].
  case layer(signed: Bool)
  /// Pixel attributions [C, H, W].
  case pixel(reduction: ChannelReduction, signed: Bool, gradientImage: Bool)

  /// One (image, class) map of a map payload: CAM maps [h, w], pixel attributions [C, H, W].
  struct Item {
    var imageIndex: Int
    var target: ClassInfo
    var values: Tensor
    var measurements: [Metric]
  }

  /// The kind and items of a map payload; nil for other payloads.
  static func of(_ payload: MethodOutput.Payload) -> (kind: MapKind, items: [Item])? {
    switch payload {
    case .layerMaps(let maps):
      return (.layer(signed: maps.signed),
              maps.items.map { Item(imageIndex: $0.imageIndex, target: $0.target, values: $0.map, measurements: $0.measurements) })
    case .pixelAttributions(let attributions):
      return (.pixel(reduction: attributions.reduction, signed: attributions.signed, gradientImage: attributions.gradientImage),
              attributions.items.map { Item(imageIndex: $0.imageIndex, target: $0.target, values: $0.values, measurements: $0.measurements) })
    case .imageGrid, .embedding, .neighbours, .table, .curve, .evaluation, .predictions:
      return nil
    }
  }

  /// `MapDisplay`'s view of one map.
  func source(_ values: Tensor, method: String) throws -> MapDisplay.Source {
    let shape = values.shape
    switch self {
    case .layer(let signed):
      guard shape.count == 2 else { throw NotebookError("\(method): map shape \(shape) is not [h, w]") }
      return .layerMap(values.values, height: shape[0], width: shape[1], signed: signed)
    case .pixel(let reduction, let signed, let gradientImage):
      guard shape.count == 3 else { throw NotebookError("\(method): attribution shape \(shape) is not [C, H, W]") }
      return .attribution(values.values, channels: shape[0], height: shape[1], width: shape[2], reduction: reduction,
                          signed: signed, gradientImage: gradientImage)
    }
  }

  var atInputResolution: Bool { if case .pixel = self { return true } else { return false } }
}

struct HeatmapFigures {
  let result: StepResult
  let kind: MapKind

  func figures(_ items: [MapKind.Item]) throws -> [Figure] {
    try result.imageNames.enumerated().compactMap { imageIndex, name in
      let mine = items.filter { $0.imageIndex == imageIndex }
      return mine.isEmpty ? nil : try figure(image: name, items: mine)
    }
  }

  private func figure(image name: String, items: [MapKind.Item]) throws -> Figure {
    guard let picture = try result.builder.picture(name) else {
      throw NotebookError("step '\(result.step.name)': image '\(name)' is missing from the run")
    }
    let method = result.method
    let display = MapDisplay(result.step.display)
    let input = FigurePanel(image: picture, label: "input: \(name)")
    var shown: [(label: String, map: FigurePanel, overlay: FigurePanel, conventions: [Convention], colorbar: Colorbar?)] = []
    for item in items {
      let made = try display.show(try kind.source(item.values, method: method), picture: picture, size: [picture.height, picture.width])
      let label = FigureBuilder.classLabel(item.target)
      shown.append((label, FigurePanel(image: made.map, label: "\(method) map"),
                    FigurePanel(image: picture, overlay: made.map, alpha: made.alpha, blended: made.overlay, label: label),
                    made.conventions, made.colorbar))
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
    return Figure(id: result.builder.figureID(method, name), panels: panels,
                  caption: caption(image: name, items: items, display: shown.first?.conventions ?? []),
                  colorbar: colorbar, variants: variants, kind: .heatmap)
  }

  /// The image, the classes, then each map's numbers in the method's order (a number per class when
  /// there are several), the method's conventions and the display's.
  private func caption(image name: String, items: [MapKind.Item], display: [Convention]) -> String {
    var extra = [Convention("image", "\(name) (the model's input after preprocessing)"),
                 Convention("target class", items.map { FigureBuilder.classDescription($0.target) }.joined(separator: ", "))]
    for item in items {
      for metric in item.measurements {
        extra.append(Convention(metric.name + (items.count > 1 ? " (\(item.target.label))" : ""), String(format: "%.4g", metric.value)))
      }
    }
    return result.caption(extra: extra, skipping: ["class"], display: display)
  }
}
