import Engine
import Imaging
import Methods

/// A loaded, labelled image collection, ready for a model: every picture already at the model's
/// input size (8-bit RGB, ~150 kB each at 224²), normalised on demand with the preset's numbers.
/// Immutable after loading, hence Sendable.
public final class ImageDataset: DescribedDataset, Sendable {
  public struct Item: Sendable {
    /// Where the picture came from ("Coat/0007.png", "t10k-images-idx3-ubyte.gz[42]").
    public var name: String
    /// At the model's input size.
    public var image: RGBImage
    public var label: Int?
  }

  public let identity: String
  public let classNames: [String]
  public let items: [Item]
  public let preset: PreprocessPreset
  /// Files skipped while loading, one line each.
  public let warnings: [String]

  init(identity: String, classNames: [String], items: [Item], preset: PreprocessPreset, warnings: [String]) {
    self.identity = identity
    self.classNames = classNames
    self.items = items
    self.preset = preset
    self.warnings = warnings
  }

  public var count: Int { items.count }

  /// The normalised image [3, H, W]: (pixel · scale − mean[c]) / std[c].
  public func image(at index: Int) throws -> Tensor {
    let item = try checkedItem(index)
    let plane = item.image.width * item.image.height
    var values = [Float](repeating: 0, count: 3 * plane)
    for channel in 0..<3 {
      let scale = preset.scale / preset.std[channel], shift = preset.mean[channel] / preset.std[channel]
      for position in 0..<plane {
        values[channel * plane + position] = Float(item.image.pixels[position * 3 + channel]) * scale - shift
      }
    }
    return Tensor(shape: [3, item.image.height, item.image.width], values: values)
  }

  /// [3, H, W] in [0, 1]: the pixels the model saw.
  public func displayImage(at index: Int) throws -> Tensor {
    let item = try checkedItem(index)
    let plane = item.image.width * item.image.height
    var values = [Float](repeating: 0, count: 3 * plane)
    for channel in 0..<3 {
      for position in 0..<plane { values[channel * plane + position] = Float(item.image.pixels[position * 3 + channel]) / 255 }
    }
    return Tensor(shape: [3, item.image.height, item.image.width], values: values)
  }

  public func label(at index: Int) -> Int? { index >= 0 && index < items.count ? items[index].label : nil }

  public func className(for index: Int) -> String {
    index >= 0 && index < classNames.count ? classNames[index] : "class \(index)"
  }

  public func name(at index: Int) -> String { index >= 0 && index < items.count ? items[index].name : "item \(index)" }

  private func checkedItem(_ index: Int) throws -> Item {
    guard index >= 0 && index < items.count else {
      throw DatasetError("dataset item \(index) is out of range: the dataset holds \(items.count) images (0..<\(items.count))")
    }
    return items[index]
  }
}

/// The model's input size, [height, width].
public struct InputSize: Sendable, Equatable, CustomStringConvertible {
  public var height: Int
  public var width: Int
  public init(height: Int, width: Int) {
    self.height = height
    self.width = width
  }
  public var description: String { "\(width)x\(height)" }
}

/// How a decoded picture is brought to the model's input size.
enum DatasetImagePreparation {
  /// Grey IDX images: replicate the grey value to R, G, B and resize bilinearly (PIL's filter).
  static func grey(_ bytes: ArraySlice<UInt8>, width: Int, height: Int, to size: InputSize) -> RGBImage {
    var pixels = [UInt8](repeating: 0, count: width * height * 3)
    for (offset, value) in bytes.enumerated() {
      pixels[offset * 3] = value
      pixels[offset * 3 + 1] = value
      pixels[offset * 3 + 2] = value
    }
    return fit(RGBImage(width: width, height: height, pixels: pixels), to: size)
  }

  /// Photos: the preset's resize and centre crop (as for single images), then a bilinear resize
  /// if the result still differs from the input size.
  static func photo(_ image: RGBImage, preset: PreprocessPreset, to size: InputSize) -> RGBImage {
    var seen = image
    if let side = preset.resizeShorterSide {
      let target = ImageResize.shorterSideSize(width: seen.width, height: seen.height, shorterSide: side)
      seen = ImageResize.resize(seen, width: target.width, height: target.height, interpolation: preset.interpolation)
    }
    if let crop = preset.centerCrop, crop <= min(seen.width, seen.height) {
      seen = CenterCrop.crop(seen, width: crop, height: crop)
    }
    return fit(seen, to: size)
  }

  static func fit(_ image: RGBImage, to size: InputSize) -> RGBImage {
    image.width == size.width && image.height == size.height
      ? image : ImageResize.bilinear(image, width: size.width, height: size.height)
  }
}
