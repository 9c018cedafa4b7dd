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
    public var measurements: [Metric]
    /// The method's map as it returned it: CAM [h, w], pixel attributions [3, H, W].
    public var raw: Tensor
    public var shown: MapDisplay.Shown
  }

  /// The maps of `output` over `pictures` (by image index; nil for .npy inputs); throws for
  /// outputs that are not maps.
  public static func show(_ output: MethodOutput, pictures: [RGBImage?], display: DisplaySettings) throws -> [Map] {
    guard let (kind, items) = MapKind.of(output.payload) else {
      throw NotebookError("explain shows maps; this method's output is not a map")
    }
    let size: [Int]
    if case .layerMaps(let maps) = output.payload { size = maps.inputSize } else { size = Array(items.first?.values.shape.suffix(2) ?? [1, 1]) }
    return try items.map { item in
      let picture = try (item.imageIndex < pictures.count ? pictures[item.imageIndex] : nil).map { try Rasters.image($0) }
      let shown = try MapDisplay(display).show(try kind.source(item.values, method: output.convention("method") ?? "explain"),
                                               picture: picture, size: size)
      return Map(imageIndex: item.imageIndex, target: item.target, measurements: item.measurements, raw: item.values, shown: shown)
    }
  }
}
