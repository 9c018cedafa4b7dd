import Engine

/// Straightforward reference kernels written from the ONNX operator definitions, in Float64 and
/// plain loops, independent of the engine (no oneDNN, no blocked layouts, no shared helpers).
/// Tests compare the engine's oneDNN-backed ops with these.
enum NaiveReference {
  /// A result: shape and row-major values.
  struct Output {
    let shape: [Int]
    let values: [Double]
  }

  /// How spatial padding is given: explicit begin/end pads, or ONNX `auto_pad`.
  enum Padding {
    case explicit(begin: [Int], end: [Int])
    case sameUpper, sameLower, valid
  }

  /// Pads for one spatial axis (ONNX Conv/Pool `auto_pad`): SAME_* keep output = ⌈input / stride⌉
  /// and split the total padding with the odd one at the end (UPPER) or at the beginning (LOWER).
  static func pads(_ padding: Padding, input: [Int], kernel: [Int], strides: [Int], dilations: [Int])
    -> (begin: [Int], end: [Int]) {
    switch padding {
    case .explicit(let begin, let end): return (begin, end)
    case .valid: return ([0, 0], [0, 0])
    case .sameUpper, .sameLower:
      var begin = [0, 0], end = [0, 0]
      for axis in 0..<2 {
        let output = (input[axis] + strides[axis] - 1) / strides[axis]
        let extent = dilations[axis] * (kernel[axis] - 1) + 1
        let total = max(0, (output - 1) * strides[axis] + extent - input[axis])
        let half = total / 2
        if case .sameUpper = padding { begin[axis] = half; end[axis] = total - half }
        else { begin[axis] = total - half; end[axis] = half }
      }
      return (begin, end)
    }
  }

  /// ONNX Conv: y[n, m, p, q] = b[m] + Σ_{c < C/G} Σ_{i, j} W[m, c, i, j] · x[n, g·C/G + c, p·sH − padH + i·dH, q·sW − padW + j·dW],
  /// g = m / (M/G); positions outside the input read zero. x [N, C, H, W], W [M, C/G, kH, kW].
  static func conv2d(_ x: Tensor, weights: Tensor, bias: [Float]?, strides: [Int] = [1, 1],
                     dilations: [Int] = [1, 1], padding: Padding = .explicit(begin: [0, 0], end: [0, 0]),
                     group: Int = 1) -> Output {
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (m, cPerGroup, kh, kw) = (weights.shape[0], weights.shape[1], weights.shape[2], weights.shape[3])
    precondition(cPerGroup * group == c, "conv2d reference: \(c) channels, weights \(weights.shape), group \(group)")
    let (begin, end) = pads(padding, input: [h, w], kernel: [kh, kw], strides: strides, dilations: dilations)
    let oh = (h + begin[0] + end[0] - dilations[0] * (kh - 1) - 1) / strides[0] + 1
    let ow = (w + begin[1] + end[1] - dilations[1] * (kw - 1) - 1) / strides[1] + 1
    let mPerGroup = m / group
    var y = [Double](repeating: 0, count: n * m * oh * ow)
    for item in 0..<n {
      for outChannel in 0..<m {
        let g = outChannel / mPerGroup
        for p in 0..<oh {
          for q in 0..<ow {
            var sum = Double(bias?[outChannel] ?? 0)
            for ic in 0..<cPerGroup {
              let inChannel = g * cPerGroup + ic
              for i in 0..<kh {
                let row = p * strides[0] - begin[0] + i * dilations[0]
                guard row >= 0 && row < h else { continue }
                for j in 0..<kw {
                  let col = q * strides[1] - begin[1] + j * dilations[1]
                  guard col >= 0 && col < w else { continue }
                  let xv = Double(x.values[((item * c + inChannel) * h + row) * w + col])
                  let wv = Double(weights.values[((outChannel * cPerGroup + ic) * kh + i) * kw + j])
                  sum += xv * wv
                }
              }
            }
            y[((item * m + outChannel) * oh + p) * ow + q] = sum
          }
        }
      }
    }
    return Output(shape: [n, m, oh, ow], values: y)
  }

  enum PoolKind { case max, average }

  /// Output length of a pooled axis (ONNX MaxPool/AveragePool, PyTorch's ceil_mode rule):
  /// ⌊ or ⌈(in + pads − extent) / stride⌉ + 1, dropping a last window that would start beyond the
  /// input and its begin padding (it would see only end padding).
  static func pooledLength(input: Int, begin: Int, end: Int, extent: Int, stride: Int, ceilMode: Bool) -> Int {
    let span = input + begin + end - extent
    var length = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1
    if ceilMode && (length - 1) * stride >= input + begin { length -= 1 }
    return length
  }

  /// ONNX MaxPool / AveragePool on x [N, C, H, W]. Max takes the largest input element in the
  /// window (padding never wins). Average divides by the number of window positions inside the
  /// input (count_include_pad = 0) or inside input + explicit pads (count_include_pad = 1).
  static func pool2d(_ x: Tensor, kind: PoolKind, kernel: [Int], strides: [Int], dilations: [Int] = [1, 1],
                     padding: Padding = .explicit(begin: [0, 0], end: [0, 0]), ceilMode: Bool = false,
                     countIncludePad: Bool = false) -> Output {
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (begin, end) = pads(padding, input: [h, w], kernel: kernel, strides: strides, dilations: dilations)
    let extents = (0..<2).map { dilations[$0] * (kernel[$0] - 1) + 1 }
    let oh = pooledLength(input: h, begin: begin[0], end: end[0], extent: extents[0], stride: strides[0], ceilMode: ceilMode)
    let ow = pooledLength(input: w, begin: begin[1], end: end[1], extent: extents[1], stride: strides[1], ceilMode: ceilMode)
    var y = [Double](repeating: 0, count: n * c * oh * ow)
    for plane in 0..<(n * c) {
      for p in 0..<oh {
        for q in 0..<ow {
          var best = -Double.infinity, sum = 0.0, inside = 0, inPadded = 0
          for i in 0..<kernel[0] {
            let row = p * strides[0] - begin[0] + i * dilations[0]
            for j in 0..<kernel[1] {
              let col = q * strides[1] - begin[1] + j * dilations[1]
              if row >= -begin[0] && row < h + end[0] && col >= -begin[1] && col < w + end[1] { inPadded += 1 }
              guard row >= 0 && row < h && col >= 0 && col < w else { continue }
              let v = Double(x.values[(plane * h + row) * w + col])
              best = max(best, v)
              sum += v
              inside += 1
            }
          }
          let value: Double
          switch kind {
          case .max: value = best
          case .average: value = sum / Double(countIncludePad ? inPadded : inside)
          }
          y[(plane * oh + p) * ow + q] = value
        }
      }
    }
    return Output(shape: [n, c, oh, ow], values: y)
  }

  /// MaxPool backward as PyTorch defines it: each output's gradient goes to the FIRST maximum of
  /// its window (row-major window order, padding excluded); overlapping windows add up.
  static func maxPoolBackward(_ x: Tensor, _ dy: Tensor, kernel: [Int], strides: [Int],
                              padding: Padding = .explicit(begin: [0, 0], end: [0, 0]), ceilMode: Bool = false) -> Output {
    let (h, w) = (x.shape[2], x.shape[3])
    let (begin, _) = pads(padding, input: [h, w], kernel: kernel, strides: strides, dilations: [1, 1])
    let (oh, ow) = (dy.shape[2], dy.shape[3])
    var dx = [Double](repeating: 0, count: x.count)
    for plane in 0..<(x.shape[0] * x.shape[1]) {
      for p in 0..<oh {
        for q in 0..<ow {
          var best: (value: Float, index: Int)? = nil
          for i in 0..<kernel[0] {
            let row = p * strides[0] - begin[0] + i
            guard row >= 0 && row < h else { continue }
            for j in 0..<kernel[1] {
              let col = q * strides[1] - begin[1] + j
              guard col >= 0 && col < w else { continue }
              let index = (plane * h + row) * w + col
              if best.map({ x.values[index] > $0.value }) ?? true { best = (x.values[index], index) }
            }
          }
          if let best { dx[best.index] += Double(dy.values[(plane * oh + p) * ow + q]) }
        }
      }
    }
    return Output(shape: x.shape, values: dx)
  }

  /// ONNX Gemm: Y = alpha · A' · B' + beta · C, A' = Aᵀ if transA, B' = Bᵀ if transB, C broadcast
  /// to [M, N] (shape [], [N], [1, N], [M, 1] or [M, N]).
  static func gemm(_ a: Tensor, _ b: Tensor, _ c: Tensor?, alpha: Double = 1, beta: Double = 1,
                   transA: Bool = false, transB: Bool = false) -> Output {
    let m = transA ? a.shape[1] : a.shape[0], k = transA ? a.shape[0] : a.shape[1]
    let n = transB ? b.shape[0] : b.shape[1]
    func aAt(_ i: Int, _ l: Int) -> Double { Double(transA ? a.values[l * m + i] : a.values[i * k + l]) }
    func bAt(_ l: Int, _ j: Int) -> Double { Double(transB ? b.values[j * k + l] : b.values[l * n + j]) }
    func cAt(_ i: Int, _ j: Int) -> Double {
      guard let c else { return 0 }
      let shape = [Int](repeating: 1, count: 2 - c.shape.count) + c.shape
      return Double(c.values[(shape[0] == 1 ? 0 : i) * shape[1] + (shape[1] == 1 ? 0 : j)])
    }
    var y = [Double](repeating: 0, count: m * n)
    for i in 0..<m {
      for j in 0..<n {
        var sum = 0.0
        for l in 0..<k { sum += aAt(i, l) * bAt(l, j) }
        y[i * n + j] = alpha * sum + beta * cAt(i, j)
      }
    }
    return Output(shape: [m, n], values: y)
  }

  /// A 1×1 convolution's weights [C, C, 1, 1] that permute channels: output c reads input
  /// permutation[c]. Used to put a tensor in the engine's blocked layout without changing values.
  static func permutationWeights(_ permutation: [Int]) -> Tensor {
    let c = permutation.count
    var values = [Float](repeating: 0, count: c * c)
    for (output, input) in permutation.enumerated() { values[output * c + input] = 1 }
    return Tensor(shape: [c, c, 1, 1], values: values)
  }
}

extension Tensor {
  /// A float32 tensor from a reference output (for chaining reference kernels).
  init(_ output: NaiveReference.Output) {
    self.init(shape: output.shape, values: output.values.map { Float($0) })
  }
}
