// Pictures for figures: the model's input picture, colorbar stops, grid cells.
import Document
import Foundation
import Imaging
import Methods

enum Rasters {
  /// RGB bytes [h, w, 3] as an opaque RasterImage.
  static func image(width: Int, height: Int, rgb: [UInt8]) throws -> RasterImage {
    var rgba = [UInt8](repeating: 255, count: width * height * 4)
    for pixel in 0..<(width * height) {
      rgba[pixel * 4] = rgb[pixel * 3]
      rgba[pixel * 4 + 1] = rgb[pixel * 3 + 1]
      rgba[pixel * 4 + 2] = rgb[pixel * 3 + 2]
    }
    return try RasterImage(width: width, height: height, rgba: rgba)
  }

  static func image(_ picture: RGBImage) throws -> RasterImage {
    try image(width: picture.width, height: picture.height, rgb: picture.pixels)
  }

  /// `count` evenly spaced colours of `colormap` from 0 to 1, for colorbars.
  static func stops(_ colormap: Colormap, count: Int = 17) -> [RGB] {
    (0..<count).map { step in
      let (r, g, b) = colormap.color(Float(step) / Float(count - 1) * 0.9999)
      func byte(_ value: Float) -> UInt8 { UInt8(max(0, min(255, (value * 255).rounded()))) }
      return RGB(byte(r), byte(g), byte(b))
    }
  }

  /// A grid cell [C, h, w] (C = 1 grey or 3 RGB), values in [0, 1].
  static func cell(_ shape: [Int], _ values: [Float]) throws -> RasterImage {
    let dims = Array(shape.suffix(3))
    guard dims.count == 3 else { throw NotebookError("a grid cell must be [C, h, w], got \(shape)") }
    let (channels, height, width) = (dims[0], dims[1], dims[2])
    var rgb = [UInt8](repeating: 0, count: height * width * 3)
    for position in 0..<(height * width) {
      for c in 0..<3 {
        let value = values[min(c, channels - 1) * height * width + position]
        rgb[position * 3 + c] = UInt8(max(0, min(255, (value * 255).rounded())))
      }
    }
    return try image(width: width, height: height, rgb: rgb)
  }
}
