import CKissFFT
import Foundation

/// 2-D real FFT of an [H, W] plane through KissFFT's `kiss_fftndr` (unnormalised both ways:
/// forward X[k, l] = Σ x[n, m] e^{−2πi(kn/H + lm/W)}, inverse without 1/(HW)); the half spectrum
/// is [H, W/2 + 1] complex, interleaved (re, im). The only file that imports KissFFT.
///
/// The two configurations are C pointers (not Sendable). The class is `@unchecked Sendable` because
/// KissFFT's configs are read-only after allocation (its transforms keep their scratch space in
/// the config, so calls are serialised by `lock`).
final class RealFFT2D: @unchecked Sendable {
  let height: Int
  let width: Int
  var frequencyWidth: Int { width / 2 + 1 }
  private let forwardConfig: kiss_fftndr_cfg
  private let inverseConfig: kiss_fftndr_cfg
  private let lock = NSLock()

  init(height: Int, width: Int) throws {
    guard height >= 2, width >= 2, width % 2 == 0, height % 2 == 0 else {
      throw MethodError("the Fourier image needs even sizes of at least 2 (KissFFT's real transform), got \(height)x\(width)")
    }
    self.height = height
    self.width = width
    let dims: [Int32] = [Int32(height), Int32(width)]
    guard let forward = kiss_fftndr_alloc(dims, 2, 0, nil, nil), let inverse = kiss_fftndr_alloc(dims, 2, 1, nil, nil) else {
      throw MethodError("KissFFT could not allocate a \(height)x\(width) real transform")
    }
    forwardConfig = forward
    inverseConfig = inverse
  }

  deinit {
    free(UnsafeMutableRawPointer(forwardConfig))
    free(UnsafeMutableRawPointer(inverseConfig))
  }

  /// [H, W] real → [H, W/2 + 1] complex (interleaved re, im).
  func forward(_ plane: [Float]) -> [Float] {
    var spectrum = [Float](repeating: 0, count: height * frequencyWidth * 2)
    lock.withLock {
      plane.withUnsafeBufferPointer { time in
        spectrum.withUnsafeMutableBytes { frequency in
          kiss_fftndr(forwardConfig, time.baseAddress, frequency.baseAddress?.assumingMemoryBound(to: kiss_fft_cpx.self))
        }
      }
    }
    return spectrum
  }

  /// [H, W/2 + 1] complex → [H, W] real, unnormalised; the imaginary parts of columns 0 and W/2
  /// are ignored (the half spectrum is read as Hermitian).
  func inverse(_ spectrum: [Float]) -> [Float] {
    var plane = [Float](repeating: 0, count: height * width)
    lock.withLock {
      spectrum.withUnsafeBytes { frequency in
        plane.withUnsafeMutableBufferPointer { time in
          kiss_fftndri(inverseConfig, frequency.baseAddress?.assumingMemoryBound(to: kiss_fft_cpx.self), time.baseAddress)
        }
      }
    }
    return plane
  }
}
