// Heatmap figures (CAM maps and pixel attributions): per image, the plain picture the model saw
// beside the map overlaid on it, one overlay per target class (HTML: a class switcher).
// Maps are upsampled bilinearly with half-pixel centres to the picture, then normalised per image
// (min-max, or symmetric for signed maps so 0 sits at the colormap's centre).
import Document
import Foundation
import Methods

struct HeatmapFigures {
  let builder: FigureBuilder
  let output: StepOutput
  let step: Step
  let display: DisplayChoice
  let signed: Bool
  /// True for pixel attributions ([3, H, W] at the input size), false for layer maps ([h, w]).
  let atInputResolution: Bool
  var reduction: ChannelReduction = .sum

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
    let input = FigurePanel(image: picture, label: "input: \(name)")
    var overlays: [(label: String, map: FigurePanel, overlay: FigurePanel)] = []
    for item in items {
      let normalised = try displayMap(item, width: picture.width, height: picture.height)
      let colored = try Rasters.colored(normalised, width: picture.width, height: picture.height, colormap: display.colormap)
      let label = classLabel(item.target)
      overlays.append((label, FigurePanel(image: colored, label: "\(method) map"),
                       FigurePanel(image: picture, overlay: colored, alpha: display.alpha, label: label)))
    }
    // Paged output: the input, then (one class) map and overlay, or (several) one overlay per class.
    let panels = overlays.count == 1 && atInputResolution
      ? [input, overlays[0].map, overlays[0].overlay]
      : [input] + overlays.map(\.overlay)
    let variants = overlays.count > 1
      ? overlays.map { FigureVariant(label: $0.label, panels: atInputResolution ? [input, $0.map, $0.overlay] : [input, $0.overlay]) }
      : []
    return Figure(id: builder.figureID(method, name), panels: panels, caption: caption(image: name, items: items),
                  colorbar: colorbar, variants: variants, kind: .heatmap)
  }

  /// [height · width] in [0, 1] at the picture's size.
  private func displayMap(_ item: StoredMap, width: Int, height: Int) throws -> [Float] {
    var map = item.values.values.values
    var (mapHeight, mapWidth) = (0, 0)
    let shape = item.values.shape
    if atInputResolution {
      guard shape.count == 3 else { throw NotebookError("\(method): attribution shape \(shape) is not [C, H, W]") }
      map = Normalization.reduce(map, channels: shape[0], reduction: reduction)
      (mapHeight, mapWidth) = (shape[1], shape[2])
    } else {
      guard shape.count == 2 else { throw NotebookError("\(method): map shape \(shape) is not [h, w]") }
      (mapHeight, mapWidth) = (shape[0], shape[1])
    }
    if mapHeight != height || mapWidth != width {
      map = Upsampling.bilinear.resize(map, height: mapHeight, width: mapWidth, toHeight: height, width: width)
    }
    return signed ? Normalization.signed(map) : Normalization.minMax(map)
  }

  private func classLabel(_ target: StoredClass) -> String {
    "\(target.label) (\(target.index)) p=\(String(format: "%.3f", target.probability))"
  }

  private var colorbar: Colorbar {
    signed
      ? Colorbar(colormapStops: Rasters.stops(display.colormap), minLabel: "−max|x|", maxLabel: "+max|x|",
                 title: "\(method), signed (0 at the centre)")
      : Colorbar(colormapStops: Rasters.stops(display.colormap), minLabel: "0 (min)", maxLabel: "1 (max)",
                 title: "\(method), min-max normalised")
  }

  private func caption(image name: String, items: [StoredMap]) -> String {
    let classes = items.map { "\($0.target.label) (index \($0.target.index), p = \(String(format: "%.4f", $0.target.probability)))" }
    var extra: [[String]] = [["image", "\(name) (the model's input after preprocessing)"],
                             ["target class", classes.joined(separator: ", ")]]
    for item in items {
      for (key, value) in item.measurements.sorted(by: { $0.key < $1.key }) {
        extra.append([key + (items.count > 1 ? " (\(item.target.label))" : ""), String(format: "%.4g", value)])
      }
    }
    let normalisation = signed ? "symmetric per image, x / (2·max|x| + 1e-7) + 0.5 (0 at the colormap's centre)"
                               : "per-image min-max (ε 1e-7)"
    var tail: [[String]] = []
    if atInputResolution {
      tail.append(["display", "\(reduction.rawValue) over channels"])
      tail.append(["upsampling", "none (input resolution)"])
    }
    tail += [["normalisation", normalisation], ["colormap", display.colormap.rawValue],
             ["overlay", "(1 − α)·image + α·colormap(map), α = \(String(format: "%.2g", display.alpha))"]]
    let skipped: Set<String> = ["class", "normalisation", "display", "colormap", "alpha"]
    let body = builder.caption(output, step: step, extra: extra, skipping: skipped)
    return String(body.dropLast()) + "; " + tail.map { "\($0[0]): \($0[1])" }.joined(separator: "; ") + "."
  }
}
