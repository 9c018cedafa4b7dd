/// Centre crops as torchvision's `CenterCrop` does them.
public enum CenterCrop {
  /// The offset of a centred window of `cropSize` in `size`: int(round((size − crop) / 2)), with
  /// Python's round (half to even), so a margin of 13 gives 6 and a margin of 15 gives 8.
  /// Negative when the crop is larger than the image (see `crop`).
  public static func offset(size: Int, cropSize: Int) -> Int {
    if cropSize > size { return -((cropSize - size) / 2) }
    return Int((Double(size - cropSize) / 2).rounded(.toNearestOrEven))
  }

  /// A `width` x `height` window centred in `image`. Where the window is larger than the image,
  /// torchvision first pads with zeros ((crop − size) // 2 before, the rest after); those
  /// pixels come out black here too.
  public static func crop(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
    precondition(width > 0 && height > 0, "crop needs a positive size, got \(width)x\(height)")
    if width == image.width && height == image.height { return image }
    let left = offset(size: image.width, cropSize: width)
    let top = offset(size: image.height, cropSize: height)
    var out = [UInt8](repeating: 0, count: width * height * 3)
    for y in 0..<height {
      let sourceY = top + y
      guard sourceY >= 0, sourceY < image.height else { continue }
      for x in 0..<width {
        let sourceX = left + x
        guard sourceX >= 0, sourceX < image.width else { continue }
        let source = (sourceY * image.width + sourceX) * 3
        let target = (y * width + x) * 3
        out[target] = image.pixels[source]
        out[target + 1] = image.pixels[source + 1]
        out[target + 2] = image.pixels[source + 2]
      }
    }
    return RGBImage(width: width, height: height, pixels: out)
  }
}
