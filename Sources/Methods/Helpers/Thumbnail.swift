import Engine
import Foundation

/// A small picture as 8-bit RGB, [height, width, 3] row-major: what a neighbours grid shows of
/// each dataset item, kept with the output so a render from the cache needs no dataset.
public struct Thumbnail: Sendable, Equatable, Codable {
  public var width: Int
  public var height: Int
  public var rgb: Data

  /// `picture` [C, H, W] or [1, C, H, W] with values in [0, 1] (grey when C = 1) as bytes,
  /// box-averaged by the smallest whole factor that brings it to at most `side` pixels a side (a
  /// grid tile is about 40 pt wide; 112 px stays sharp in print).
  public init(_ picture: Tensor, side: Int = 112) {
    let shape = Array(picture.shape.suffix(3))
    guard shape.count == 3, shape.allSatisfy({ $0 > 0 }) else {
      (width, height, rgb) = (1, 1, Data([0, 0, 0]))
      return
    }
    let (channels, fullHeight, fullWidth) = (shape[0], shape[1], shape[2])
    var bytes = [UInt8](repeating: 0, count: fullHeight * fullWidth * 3)
    for position in 0..<(fullHeight * fullWidth) {
      for c in 0..<3 {
        let value = picture.values[min(c, channels - 1) * fullHeight * fullWidth + position]
        bytes[position * 3 + c] = UInt8(max(0, min(255, (value * 255).rounded())))
      }
    }
    let longest = max(fullWidth, fullHeight)
    let factor = longest > side ? (longest + side - 1) / side : 1
    guard factor > 1 else {
      (width, height, rgb) = (fullWidth, fullHeight, Data(bytes))
      return
    }
    (width, height) = (fullWidth / factor, fullHeight / factor)
    var shrunk = [UInt8](repeating: 0, count: width * height * 3)
    for y in 0..<height {
      for x in 0..<width {
        for c in 0..<3 {
          var sum = 0
          for dy in 0..<factor { for dx in 0..<factor { sum += Int(bytes[((y * factor + dy) * fullWidth + x * factor + dx) * 3 + c]) } }
          shrunk[(y * width + x) * 3 + c] = UInt8((sum + factor * factor / 2) / (factor * factor))
        }
      }
    }
    rgb = Data(shrunk)
  }
}
