/// A model input made from a picture.
public struct PreprocessedImage: Sendable {
  /// [3, H, W]
  public var shape: [Int]
  /// [3, H, W], channel-major (red plane, green plane, blue plane), normalised.
  public var values: [Float]
  /// Exactly the pixels the model saw, after resize and crop, before normalisation.
  public var displayImage: RGBImage

  public init(shape: [Int], values: [Float], displayImage: RGBImage) {
    self.shape = shape
    self.values = values
    self.displayImage = displayImage
  }
}

/// Resize, crop and normalise `image` as `preset` says (see `PreprocessPreset`).
public func preprocess(_ image: RGBImage, preset: PreprocessPreset) -> PreprocessedImage {
  var seen = image
  if let side = preset.resizeShorterSide {
    let size = ImageResize.shorterSideSize(width: image.width, height: image.height, shorterSide: side)
    if size.width != image.width || size.height != image.height {
      seen = ImageResize.resize(image, width: size.width, height: size.height, interpolation: preset.interpolation)
    }
  }
  if let crop = preset.centerCrop {
    seen = CenterCrop.crop(seen, width: crop, height: crop)
  }
  return PreprocessedImage(shape: [3, seen.height, seen.width], values: normalise(seen, preset: preset),
                           displayImage: seen)
}

/// [H, W, 3] bytes → [3, H, W] floats, through one 256-entry table per channel.
private func normalise(_ image: RGBImage, preset: PreprocessPreset) -> [Float] {
  let planeSize = image.width * image.height
  let tables: [[Float]] = (0..<3).map { channel in
    (0..<256).map { (Float($0) * preset.scale - preset.mean[channel]) / preset.std[channel] }
  }
  var values = [Float](repeating: 0, count: planeSize * 3)
  image.pixels.withUnsafeBufferPointer { pixels in
    values.withUnsafeMutableBufferPointer { out in
      for channel in 0..<3 {
        let table = tables[channel]
        for index in 0..<planeSize {
          out[channel * planeSize + index] = table[Int(pixels[index * 3 + channel])]
        }
      }
    }
  }
  return values
}
