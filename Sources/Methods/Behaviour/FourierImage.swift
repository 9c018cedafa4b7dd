import Engine
import Foundation

/// Lucid's image parameterisation (Olah et al. 2017, lucent's `fft_image` + `to_valid_rgb`),
/// forward and its exact adjoint:
/// 1. spectrum S [3, H, W/2+1] complex, initialised N(0, sd²) (sd 0.01, seeded);
/// 2. per channel: x_lin = irfft2(S ⊙ w, ortho) / 4, w[k, l] = 1 / max(|f|, 1 / max(H, W)),
///    |f| = sqrt(fy² + fx²) in cycles per pixel (numpy's fftfreq), ortho = 1/√(HW);
/// 3. colour: rgb = M x_lin per pixel, M = the ImageNet colour-correlation square root with its
///    columns divided by the largest column norm;
/// 4. p = sigmoid(rgb) in [0, 1].
/// Backward (the chain rule taken in reverse): ∂/∂rgb = ∂/∂p · p(1 − p); ∂/∂x_lin = Mᵀ ∂/∂rgb;
/// ∂/∂S = w ⊙ c_l · rfft2(∂/∂x_lin) / (4√(HW)) with c_l = 2 for the columns 0 < l < W/2 (they stand
/// for themselves and their conjugates) and 1 for columns 0 and W/2.
final class FourierImage: Sendable {
  static let colourCorrelation: [[Float]] = [[0.26, 0.09, 0.02], [0.27, 0.00, -0.05], [0.27, -0.09, 0.03]]
  /// 4, lucent's "magic" divisor.
  static let magic: Float = 4

  let height: Int
  let width: Int
  let fft: RealFFT2D
  /// w per half-spectrum bin, [H, W/2+1].
  let frequencyScale: [Float]
  /// M with columns normalised, row-major [3][3].
  let colourMatrix: [[Float]]

  init(height: Int, width: Int) throws {
    self.height = height
    self.width = width
    fft = try RealFFT2D(height: height, width: width)
    let columns = width / 2 + 1
    var scale = [Float](repeating: 0, count: height * columns)
    let floor = 1 / Double(max(height, width))
    for k in 0..<height {
      // numpy.fft.fftfreq(H): k/H for k < H/2 (rounded up), else (k − H)/H.
      let fy = Double(k < (height + 1) / 2 ? k : k - height) / Double(height)
      for l in 0..<columns {
        let fx = Double(l) / Double(width)
        scale[k * columns + l] = Float(1 / max((fy * fy + fx * fx).squareRoot(), floor))
      }
    }
    frequencyScale = scale
    let norms = (0..<3).map { j in (0..<3).reduce(Float(0)) { $0 + FourierImage.colourCorrelation[$1][j] * FourierImage.colourCorrelation[$1][j] }.squareRoot() }
    let largest = norms.max() ?? 1
    colourMatrix = FourierImage.colourCorrelation.map { row in row.map { $0 / largest } }
  }

  var spectrumCount: Int { 3 * height * (width / 2 + 1) * 2 }

  /// A seeded random spectrum, N(0, sd²) per real and imaginary part.
  func initialSpectrum(seed: UInt64, sd: Float = 0.01) -> [Float] {
    var random = SeededRandom(seed: seed)
    return (0..<spectrumCount).map { _ in Float(random.normal()) * sd }
  }

  /// The image p [3, H, W] in [0, 1].
  func image(_ spectrum: [Float]) -> [Float] {
    let plane = height * width
    let linear = linearImage(spectrum)
    var out = [Float](repeating: 0, count: 3 * plane)
    for position in 0..<plane {
      for row in 0..<3 {
        var value: Float = 0
        for column in 0..<3 { value += colourMatrix[row][column] * linear[column * plane + position] }
        out[row * plane + position] = 1 / (1 + exp(-value))
      }
    }
    return out
  }

  /// x_lin [3, H, W] = irfft2(S ⊙ w, ortho) / 4.
  func linearImage(_ spectrum: [Float]) -> [Float] {
    let half = height * (width / 2 + 1), normaliser = 1 / (Float(height * width).squareRoot() * FourierImage.magic)
    var out: [Float] = []
    out.reserveCapacity(3 * height * width)
    for channel in 0..<3 {
      var scaled = Array(spectrum[channel * half * 2 ..< (channel + 1) * half * 2])
      for bin in 0..<half {
        scaled[2 * bin] *= frequencyScale[bin]
        scaled[2 * bin + 1] *= frequencyScale[bin]
      }
      out.append(contentsOf: fft.inverse(scaled).map { $0 * normaliser })
    }
    return out
  }

  /// ∂L/∂S from ∂L/∂p, given p = image(S).
  func spectrumGradient(imageGradient: [Float], image p: [Float]) -> [Float] {
    let plane = height * width, columns = width / 2 + 1, half = height * columns
    var rgbGradient = [Float](repeating: 0, count: 3 * plane)
    for index in 0..<(3 * plane) { rgbGradient[index] = imageGradient[index] * p[index] * (1 - p[index]) }
    var linearGradient = [Float](repeating: 0, count: 3 * plane)
    for position in 0..<plane {
      for column in 0..<3 {
        var value: Float = 0
        for row in 0..<3 { value += colourMatrix[row][column] * rgbGradient[row * plane + position] }
        linearGradient[column * plane + position] = value
      }
    }
    let normaliser = 1 / (Float(plane).squareRoot() * FourierImage.magic)
    var out = [Float](repeating: 0, count: spectrumCount)
    for channel in 0..<3 {
      let transformed = fft.forward(Array(linearGradient[channel * plane ..< (channel + 1) * plane]))
      for k in 0..<height {
        for l in 0..<columns {
          let bin = k * columns + l
          let multiplicity: Float = (l == 0 || (width % 2 == 0 && l == width / 2)) ? 1 : 2
          let factor = frequencyScale[bin] * multiplicity * normaliser
          out[(channel * half + bin) * 2] = transformed[2 * bin] * factor
          out[(channel * half + bin) * 2 + 1] = transformed[2 * bin + 1] * factor
        }
      }
    }
    return out
  }
}
