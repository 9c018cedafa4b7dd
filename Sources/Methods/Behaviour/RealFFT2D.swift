import CKissFFT
import Foundation

/// 2-D real FFT of an [H, W] plane (unnormalised both ways: forward X[k, l] = Σ x[n, m]
/// e^{−2πi(kn/H + lm/W)}, inverse without 1/(HW)); the half spectrum is [H, W/2 + 1] complex,
/// interleaved (re, im). Built from KissFFT's 1-D transforms: a real FFT along each row
/// (`kiss_fftr`), then a complex FFT along each column (`kiss_fft`); the inverse runs the same
/// steps backwards. (KissFFT's own `kiss_fftndr_alloc` refuses sizes above 52×52 in this
/// release, kissfft issue #129.) The only file that imports KissFFT.
///
/// The configurations are C pointers (not Sendable). The class is `@unchecked Sendable` because the
/// configs are only used while holding `lock` (KissFFT keeps scratch space in them).
final class RealFFT2D: @unchecked Sendable {
  let height: Int
  let width: Int
  var frequencyWidth: Int { width / 2 + 1 }
  private let rowForward: kiss_fftr_cfg
  private let rowInverse: kiss_fftr_cfg
  private let columnForward: kiss_fft_cfg
  private let columnInverse: kiss_fft_cfg
  private let lock = NSLock()

  init(height: Int, width: Int) throws {
    guard height >= 2, width >= 2, width % 2 == 0 else {
      throw MethodError("the Fourier image needs an even width and sizes of at least 2 (KissFFT's real transform), got \(height)x\(width)")
    }
    self.height = height
    self.width = width
    guard let rowForward = kiss_fftr_alloc(Int32(width), 0, nil, nil), let rowInverse = kiss_fftr_alloc(Int32(width), 1, nil, nil),
          let columnForward = kiss_fft_alloc(Int32(height), 0, nil, nil), let columnInverse = kiss_fft_alloc(Int32(height), 1, nil, nil)
    else {
      throw MethodError("KissFFT could not allocate a \(height)x\(width) real transform")
    }
    self.rowForward = rowForward
    self.rowInverse = rowInverse
    self.columnForward = columnForward
    self.columnInverse = columnInverse
  }

  deinit {
    free(UnsafeMutableRawPointer(rowForward))
    free(UnsafeMutableRawPointer(rowInverse))
    free(UnsafeMutableRawPointer(columnForward))
    free(UnsafeMutableRawPointer(columnInverse))
  }

  /// [H, W] real → [H, W/2 + 1] complex (interleaved re, im).
  func forward(_ plane: [Float]) -> [Float] {
    let columns = frequencyWidth
    var spectrum = [kiss_fft_cpx](repeating: kiss_fft_cpx(), count: height * columns)
    lock.withLock {
      plane.withUnsafeBufferPointer { time in
        spectrum.withUnsafeMutableBufferPointer { frequency in
          guard let source = time.baseAddress, let target = frequency.baseAddress else { return }
          for row in 0..<height { kiss_fftr(rowForward, source + row * width, target + row * columns) }
        }
      }
      transformColumns(&spectrum, config: columnForward)
    }
    return spectrum.flatMap { [$0.r, $0.i] }
  }

  /// [H, W/2 + 1] complex → [H, W] real, unnormalised; the imaginary parts of columns 0 and W/2
  /// are ignored (each row's half spectrum is read as Hermitian by `kiss_fftri`).
  func inverse(_ spectrum: [Float]) -> [Float] {
    let columns = frequencyWidth
    var complex = (0..<(height * columns)).map { kiss_fft_cpx(r: spectrum[2 * $0], i: spectrum[2 * $0 + 1]) }
    var plane = [Float](repeating: 0, count: height * width)
    lock.withLock {
      transformColumns(&complex, config: columnInverse)
      complex.withUnsafeBufferPointer { frequency in
        plane.withUnsafeMutableBufferPointer { time in
          guard let source = frequency.baseAddress, let target = time.baseAddress else { return }
          for row in 0..<height { kiss_fftri(rowInverse, source + row * columns, target + row * width) }
        }
      }
    }
    return plane
  }

  /// A 1-D complex FFT along each column of an [H, W/2 + 1] complex array, in place.
  private func transformColumns(_ data: inout [kiss_fft_cpx], config: kiss_fft_cfg) {
    let columns = frequencyWidth
    var input = [kiss_fft_cpx](repeating: kiss_fft_cpx(), count: height)
    var output = input
    for column in 0..<columns {
      for row in 0..<height { input[row] = data[row * columns + column] }
      kiss_fft(config, &input, &output)
      for row in 0..<height { data[row * columns + column] = output[row] }
    }
  }
}
