@testable import Methods

/// The payload of one kind, or nil: lets a test write `try #require(output.payload.evaluation)` instead
/// of a `guard case` that could return without asserting.
extension MethodOutput.Payload {
  var layerMaps: LayerMaps? {
    if case .layerMaps(let maps) = self { return maps }
    return nil
  }

  var pixelAttributions: PixelAttributions? {
    if case .pixelAttributions(let attributions) = self { return attributions }
    return nil
  }

  var imageGrid: ImageGrid? {
    if case .imageGrid(let grid) = self { return grid }
    return nil
  }

  var evaluation: Evaluation? {
    if case .evaluation(let evaluation) = self { return evaluation }
    return nil
  }
}
