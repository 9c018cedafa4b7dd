/// The window of a 2-D convolution or pooling op over the spatial axes [H, W] (ONNX `kernel_shape`,
/// `strides`, `dilations`, `pads` / `auto_pad`): output position o reads input positions
/// o·s − pad_begin + d·t for taps t < k, per axis. The one place where auto_pad and output sizes are
/// worked out: Conv, Pool, receptive fields and incremental occlusion all ask it.
public struct SlidingWindow: Sendable, Equatable {
  public enum Padding: Sendable, Equatable {
    case explicit(begin: [Int], end: [Int])
    case sameUpper, sameLower, valid
  }

  public let kernel: [Int]      // [kH, kW]
  public let strides: [Int]     // [sH, sW]
  public let dilations: [Int]   // [dH, dW]
  public let padding: Padding
  /// What a padded position stands for: 0 for convolution, −∞ for max pooling; nil where padding is
  /// left out instead (average pooling divides by the taps inside the input), so that a crop filled
  /// with a value cannot reproduce the op at the border.
  public let paddingValue: Float?

  /// The largest kernel size, stride, dilation or pad accepted (real networks stay below 100): the
  /// values come from files, and bounding them keeps every size computed below inside Int.
  public static let largestParameter = 1 << 16

  public init(kernel: [Int], strides: [Int], dilations: [Int], padding: Padding, paddingValue: Float?) throws {
    let pads: [Int]
    if case .explicit(let begin, let end) = padding { pads = begin + end } else { pads = [] }
    let bound = Self.largestParameter
    guard kernel.count == 2, strides.count == 2, dilations.count == 2, pads.isEmpty || pads.count == 4,
          (kernel + strides + dilations).allSatisfy({ 1...bound ~= $0 }), pads.allSatisfy({ 0...bound ~= $0 }) else {
      throw EngineError("window kernel \(kernel), strides \(strides), dilations \(dilations), pads \(pads) must be "
                        + "two values each from 1 (0 for pads) to \(bound)")
    }
    self.kernel = kernel
    self.strides = strides
    self.dilations = dilations
    self.padding = padding
    self.paddingValue = paddingValue
  }

  /// The input span of one window per axis: (k − 1)·d + 1.
  public var extent: [Int] { (0..<2).map { (kernel[$0] - 1) * dilations[$0] + 1 } }

  /// Pads before and after each axis for an input of spatial size `spatial` ([H, W]). SAME (ONNX
  /// auto_pad) pads total = max(0, (⌈size / s⌉ − 1)·s + extent − size) so that the output has
  /// ⌈size / s⌉ positions; an odd total puts the extra one at the end (SAME_UPPER) or at the
  /// beginning (SAME_LOWER).
  public func pads(for spatial: [Int]) -> (begin: [Int], end: [Int]) {
    switch padding {
    case .explicit(let begin, let end): return (begin, end)
    case .valid: return ([0, 0], [0, 0])
    case .sameUpper, .sameLower:
      var begin = [0, 0], end = [0, 0]
      for axis in 0..<2 {
        let out = (spatial[axis] + strides[axis] - 1) / strides[axis]
        let total = max(0, (out - 1) * strides[axis] + extent[axis] - spatial[axis])
        let small = total / 2, large = total - small
        begin[axis] = padding == .sameUpper ? small : large
        end[axis] = padding == .sameUpper ? large : small
      }
      return (begin, end)
    }
  }

  /// Output spatial size for an input of spatial size `spatial`: ⌊(size + pads − extent) / s⌋ + 1 per
  /// axis, or with `ceilMode` ⌈·⌉ + 1 where the last window must still start inside the input or its
  /// leading pad (PyTorch and ONNX). Nil when a window is larger than the padded input.
  public func outputSize(for spatial: [Int], ceilMode: Bool = false) -> [Int]? {
    let (begin, end) = pads(for: spatial)
    var output = [0, 0]
    for axis in 0..<2 {
      let span = spatial[axis] + begin[axis] + end[axis] - extent[axis], stride = strides[axis]
      guard span >= 0 else { return nil }
      var out = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1
      if ceilMode && (out - 1) * stride >= spatial[axis] + begin[axis] { out -= 1 }
      output[axis] = out
    }
    return output
  }
}
