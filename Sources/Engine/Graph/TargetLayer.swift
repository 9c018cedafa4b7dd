/// Default layer choices for methods that look at one layer.
extension Network {
  /// The tensor a CAM method uses by default: the last 4-D tensor with spatial size > 1 (in
  /// topological order), i.e. the final feature maps before global pooling or flattening.
  public func defaultCAMLayer(shapes: [String: [Int]]) -> String? {
    tensorNames.last { name in
      guard let shape = shapes[name], shape.count == 4 else { return false }
      return shape[2] * shape[3] > 1
    }
  }
}
