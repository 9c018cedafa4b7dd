// `convlens explain`'s pictures: a method's maps through the same conversion and `MapDisplay` as
// a notebook figure (MapKind.source, then MapDisplay.show), so the PNG it writes is the figure's
// overlay raster for the same map and display settings.
import Document
import Engine
import Imaging
import Methods

public enum ExplainedMaps {
  /// One (image, class) map, shown.
  public struct Map: Sendable {
    public var imageIndex: Int
    public var target: ClassInfo
    public var measurements: [Methods.Measurement]
    /// The method's map as it returned it: CAM [h, w], pixel attributions [3, H, W].
    public var raw: Tensor
    public var shown: MapDisplay.Shown
  }

  /// The maps of `output` over `pictures` (by image index; nil for .npy inputs); throws for
  /// outputs that are not maps.
  public static func show(_ output: MethodOutput, pictures: [RGBImage?], display: DisplaySettings) throws -> [Map] {
    let stored = try StepOutput(output, imageNames: pictures.indices.map { "image \($0 + 1)" }, dataset: nil)
    guard let (kind, items) = MapKind.of(stored.payload) else {
      throw NotebookError("explain shows maps; this method's output is not a map")
    }
    let targets: [ClassInfo], measurements: [[Methods.Measurement]], raws: [Tensor]
    switch output.payload {
    case .layerMaps(let maps):
      (targets, measurements, raws) = (maps.items.map(\.target), maps.items.map(\.measurements), maps.items.map(\.map))
    case .pixelAttributions(let attributions):
      (targets, measurements, raws) = (attributions.items.map(\.target), attributions.items.map(\.measurements), attributions.items.map(\.values))
    default:
      throw NotebookError("explain shows maps; this method's output is not a map")
    }
    let size: [Int]
    if case .layerMaps(let maps) = output.payload { size = maps.inputSize } else { size = Array(raws.first?.shape.suffix(2) ?? [1, 1]) }
    return try items.enumerated().map { index, item in
      let picture = try (item.imageIndex < pictures.count ? pictures[item.imageIndex] : nil).map { try Rasters.image($0) }
      let shown = try MapDisplay(display).show(try kind.source(item.values, method: output.convention("method") ?? "explain"),
                                               picture: picture, size: size)
      return Map(imageIndex: item.imageIndex, target: targets[index], measurements: measurements[index], raw: raws[index], shown: shown)
    }
  }
}
