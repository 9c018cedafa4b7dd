/// A strided convolution over a few-channel plain input (the RGB stems) rewritten as a stride-1
/// convolution over the input's phases (space-to-depth), for its backward-data.
///
/// With strides (sy, sx) and the input padded by the convolution's begin pads, xp, the phases are
/// S[n, (c·sy + p)·sx + q, u, v] = xp[n, c, sy·u + p, sx·v + q], and
///   y = conv(x, W) = conv_stride1(S, W′),  W′[m, (c·sy + p)·sx + q, a, b] = W[m, c, sy·a + p, sx·b + q]
/// (0 past the kernel), a ⌈kH/sy⌉ × ⌈kW/sx⌉ kernel without padding over U = OH + ⌈kH/sy⌉ − 1 phase rows
/// (and V columns). So dL/dS is the backward-data of a stride-1 convolution with C·sy·sx source
/// channels, 12 for RGB at stride 2, which oneDNN 2.6's blocked jit kernels take, where the 3-channel
/// original has only `gemm:jit` on plain layout; dL/dx[n, c, h, w] is dL/dS read back at the phase of
/// (h + padBegin, w + padBegin) (0 for input rows or columns no output reads).
/// ResNet-18's 7×7/2 stem, oneDNN backward-data alone (ms per call, against `gemm:jit`): AVX-512,
/// batch 1 1.27 / 1.99, batch 16 20.5 / 27.9; AVX2 cap, batch 1 2.42 / 2.70, batch 16 38.9 / 38.7, and
/// `gemm:jit` also needs dL/dy reordered to plain first (4 ms at batch 16). On SSE4.1 and AVX oneDNN
/// has no blocked jit backward-data, so there the GEMM stays (`ConvolutionPrimitives.phaseSplit`).
struct PhaseSplit {
  let strides: [Int]                 // [sy, sx]
  let phaseKernel: [Int]             // [⌈kH/sy⌉, ⌈kW/sx⌉]

  init(kernel: [Int], strides: [Int]) {
    self.strides = strides
    self.phaseKernel = zip(kernel, strides).map { ($0 + $1 - 1) / $1 }
  }

  /// W′ [M, C·sy·sx, ka, kb] from W [M, C, kH, kW].
  func weights(_ w: Tensor) -> Tensor {
    let (m, c, kh, kw) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
    let (sy, sx, ka, kb) = (strides[0], strides[1], phaseKernel[0], phaseKernel[1])
    let phases = c * sy * sx
    var values = [Float](repeating: 0, count: m * phases * ka * kb)
    for out in 0..<m {
      for channel in 0..<c {
        for i in 0..<kh {
          for j in 0..<kw {
            let phase = (channel * sy + i % sy) * sx + j % sx
            values[((out * phases + phase) * ka + i / sy) * kb + j / sx] = w.values[((out * c + channel) * kh + i) * kw + j]
          }
        }
      }
    }
    return Tensor(shape: [m, phases, ka, kb], values: values)
  }

  /// The stride-1 convolution over the phases of `g`'s input: [N, C·sy·sx, U, V] -> [N, M, OH, OW].
  func geometry(_ g: ConvolutionGeometry) -> ConvolutionGeometry {
    let rows = g.output[2] + phaseKernel[0] - 1, columns = g.output[3] + phaseKernel[1] - 1
    return ConvolutionGeometry(input: [g.input[0], g.input[1] * strides[0] * strides[1], rows, columns], output: g.output,
                               kernel: phaseKernel, strides: [1, 1], dilations: [1, 1], padBegin: [0, 0], padEnd: [0, 0],
                               group: 1, sourceLayout: .native)
  }

  /// dL/dx [N, C, H, W] (plain) from dL/dS, the gradient of the phases of `g`'s input.
  func inputGradient(_ phaseGradient: Value, geometry g: ConvolutionGeometry) throws -> Value {
    let dS = try Reorder.value(phaseGradient, to: .plain)  // [N, C·sy·sx, U, V]
    let (n, c, h, w) = (g.input[0], g.input[1], g.input[2], g.input[3])
    let (sy, sx, rows, columns) = (strides[0], strides[1], dS.shape[2], dS.shape[3])
    let dx = Value(uninitialized: g.input)
    // Phase column q holds input columns sx·v + q − padBegin; those inside [0, W) have v in spans[q].
    let pad = g.padBegin[1]
    let spans = (0..<sx).map { q -> Range<Int> in
      let first = (pad - q + sx - 1) / sx, last = w - 1 + pad - q  // pad − q + sx − 1 ≥ 0
      let end = last < 0 ? 0 : min(columns, last / sx + 1)
      return first..<max(first, end)
    }
    withExtendedLifetime(dS) {
      let source = dS.buffer.pointer, target = dx.buffer.pointer
      for item in 0..<n {
        for channel in 0..<c {
          for row in 0..<h {
            let out = target + ((item * c + channel) * h + row) * w
            out.update(repeating: 0, count: w)  // columns no phase column reaches (no output reads them)
            let (u, p) = ((row + g.padBegin[0]) / sy, (row + g.padBegin[0]) % sy)
            guard u < rows else { continue }
            for q in 0..<sx {
              let phaseRow = source + (((item * c + channel) * sy + p) * sx + q) * rows * columns + u * columns
              var column = sx * spans[q].lowerBound + q - pad
              for v in spans[q] {
                out[column] = phaseRow[v]
                column += sx
              }
            }
          }
        }
      }
    }
    return dx
  }
}
