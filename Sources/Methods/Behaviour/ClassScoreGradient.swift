import Engine
import Foundation

/// y^c and ∂y^c/∂x for one image [1, C, H, W] of the model input, c a fixed class.
struct ClassScoreGradient {
  let network: Network
  let scoreName: String
  let classIndex: Int
  let shape: [Int]

  init(network: Network, classIndex: Int, shape: [Int]) {
    self.network = network
    self.scoreName = ClassScores.tensorName(network)
    self.classIndex = classIndex
    self.shape = shape
  }

  func evaluate(_ input: [Float]) throws -> (score: Float, gradient: [Float]) {
    let result = try ScoreGradients.gradients(network, Tensor(shape: shape, values: input), classes: [classIndex], at: [network.inputName])
    return (result.scores[0], result.gradients[network.inputName]?.values ?? [Float](repeating: 0, count: input.count))
  }

  /// The score row [K] for one input.
  func scores(_ input: [Float]) throws -> [Float] {
    try ScoreGradients.scores(network, Tensor(shape: shape, values: input)).values
  }
}

/// How a picture p ∈ [0, 1] becomes the model input: x = (p · 255 · scale − mean[c]) / std[c]
/// (the same numbers as Imaging's preprocessing presets, which Methods does not import).
public struct InputScaling: Sendable, Equatable, CustomStringConvertible {
  public var name: String
  /// Multiplies the 0...255 pixel.
  public var scale: Float
  public var mean: [Float]
  public var std: [Float]

  public static let efficientNetLite = InputScaling(name: "efficientnet-lite", scale: 1, mean: [127, 127, 127], std: [128, 128, 128])
  public static let imagenet = InputScaling(name: "imagenet", scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])
  public static let none = InputScaling(name: "none", scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1])
  public static let all = [efficientNetLite, imagenet, none]

  public var description: String {
    "\(name): x = (p·255·\(scale == 1 ? "1" : "1/255") − mean) / std, mean \(mean), std \(std)"
  }

  /// ∂x/∂p for channel c.
  func slope(_ channel: Int) -> Float { 255 * scale / std[channel] }
  func offset(_ channel: Int) -> Float { -mean[channel] / std[channel] }

  /// [3, H, W] picture → model input.
  func input(fromPicture picture: [Float]) -> [Float] {
    let plane = picture.count / 3
    var out = picture
    for channel in 0..<3 {
      let (a, b) = (slope(channel), offset(channel))
      for position in 0..<plane { out[channel * plane + position] = picture[channel * plane + position] * a + b }
    }
    return out
  }

  /// Model input → picture (not clamped).
  func picture(fromInput input: [Float]) -> [Float] {
    let plane = input.count / 3
    var out = input
    for channel in 0..<3 {
      let (a, b) = (slope(channel), offset(channel))
      for position in 0..<plane { out[channel * plane + position] = (input[channel * plane + position] - b) / a }
    }
    return out
  }
}

/// Image filters used between gradient steps.
enum ImageFilters {
  /// Gaussian blur of each [H, W] plane, separable, radius ⌊4σ + 0.5⌋ and mirror borders
  /// (scipy.ndimage.gaussian_filter's defaults: truncate 4, mode "reflect").
  static func gaussianBlur(_ image: [Float], channels: Int, height: Int, width: Int, sigma: Double) -> [Float] {
    guard sigma > 0 else { return image }
    let radius = Int(4 * sigma + 0.5)
    var kernel: [Float] = (-radius...radius).map { (offset: Int) -> Float in
      let distance = Double(offset * offset)
      return Float(exp(-distance / (2 * sigma * sigma)))
    }
    let total = kernel.reduce(0, +)
    kernel = kernel.map { $0 / total }
    func mirror(_ i: Int, _ size: Int) -> Int {
      var index = i
      while index < 0 || index >= size { index = index < 0 ? -index - 1 : 2 * size - index - 1 }
      return index
    }
    var horizontal = image
    var out = image
    for channel in 0..<channels {
      let base = channel * height * width
      for y in 0..<height {
        for x in 0..<width {
          var sum: Float = 0
          for (offset, weight) in kernel.enumerated() { sum += weight * image[base + y * width + mirror(x + offset - radius, width)] }
          horizontal[base + y * width + x] = sum
        }
      }
      for y in 0..<height {
        for x in 0..<width {
          var sum: Float = 0
          for (offset, weight) in kernel.enumerated() { sum += weight * horizontal[base + mirror(y + offset - radius, height) * width + x] }
          out[base + y * width + x] = sum
        }
      }
    }
    return out
  }

  /// Cyclic shift of each plane by (dy, dx) (torch.roll).
  static func roll(_ image: [Float], channels: Int, height: Int, width: Int, dy: Int, dx: Int) -> [Float] {
    var out = image
    for channel in 0..<channels {
      let base = channel * height * width
      for y in 0..<height {
        let target = ((y + dy) % height + height) % height
        for x in 0..<width {
          out[base + target * width + ((x + dx) % width + width) % width] = image[base + y * width + x]
        }
      }
    }
    return out
  }

  /// Share of the spectral power of a [3, H, W] picture (each plane minus its mean) at spatial
  /// frequencies above `cutoff` cycles per pixel (default 0.25, half the Nyquist frequency).
  static func highFrequencyEnergy(_ picture: [Float], height: Int, width: Int, cutoff: Double = 0.25) -> Double? {
    guard let fft = try? RealFFT2D(height: height, width: width) else { return nil }
    let plane = height * width, columns = width / 2 + 1
    var high = 0.0, total = 0.0
    for channel in 0..<3 {
      let values = Array(picture[channel * plane ..< (channel + 1) * plane])
      let mean = values.reduce(0, +) / Float(plane)
      let spectrum = fft.forward(values.map { $0 - mean })
      for k in 0..<height {
        let fy = Double(k < (height + 1) / 2 ? k : k - height) / Double(height)
        for l in 0..<columns {
          let fx = Double(l) / Double(width)
          let power = Double(spectrum[2 * (k * columns + l)] * spectrum[2 * (k * columns + l)]
            + spectrum[2 * (k * columns + l) + 1] * spectrum[2 * (k * columns + l) + 1])
          let weight = (l == 0 || l == width / 2) ? 1.0 : 2.0
          total += weight * power
          if (fy * fy + fx * fx).squareRoot() > cutoff { high += weight * power }
        }
      }
    }
    return total > 0 ? high / total : 0
  }
}

extension InputScaling: SettingConvertible {
  /// A scaling by name (`preprocess: imagenet`).
  public init(setting value: SettingValue) throws {
    guard case .string(let text) = value else { throw SettingMismatch.kind }
    guard let found = Self.all.first(where: { $0.name == text.lowercased() }) else { throw SettingMismatch.choice(text, Self.all.map(\.name)) }
    self = found
  }
  public static var settingKind: String { "one of " + all.map(\.name).joined(separator: ", ") }
  public var settingText: String { name }
}
