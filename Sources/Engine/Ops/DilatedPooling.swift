/// Pooling with dilations > 1, which oneDNN 2.6 implements only in its reference loops (its optimised
/// pooling kernels reject dilation on every ISA). A direct loop over plain NCHW, forward and backward:
///   y[n, c, i, j] = max, or mean over the in-bounds taps, of x[n, c, i·sH − pH + a·dH, j·sW − pW + b·dW]
/// for a < kH, b < kW (ONNX MaxPool / AveragePool with `dilations`; pads never count as maxima, and the
/// average excludes them: count_include_pad is `Pool`'s rescaling afterwards, as for oneDNN's kernels).
enum DilatedPooling {
  /// The in-bounds input rows (or columns) of output position `o` along one axis.
  private static func taps(_ o: Int, axis: Int, _ g: PoolingGeometry) -> [Int] {
    let start = o * g.strides[axis] - g.padBegin[axis], size = g.input[axis + 2]
    return (0..<g.kernel[axis]).map { start + $0 * g.dilations[axis] }.filter { $0 >= 0 && $0 < size }
  }

  /// Runs `body(plane offset of x, plane offset of y, output index, input indices of the window)`
  /// for every output element; the window lists in-bounds inputs row by row (PyTorch's scan order).
  private static func forEachWindow(_ g: PoolingGeometry, _ body: (Int, Int, Int, [Int]) -> Void) {
    let (h, w, oh, ow) = (g.input[2], g.input[3], g.output[2], g.output[3])
    let rows = (0..<oh).map { taps($0, axis: 0, g) }, columns = (0..<ow).map { taps($0, axis: 1, g) }
    for plane in 0..<(g.input[0] * g.input[1]) {
      for i in 0..<oh {
        for j in 0..<ow {
          let window = rows[i].flatMap { row in columns[j].map { row * w + $0 } }
          body(plane * h * w, plane * oh * ow, i * ow + j, window)
        }
      }
    }
  }

  static func forward(_ input: Value, geometry g: PoolingGeometry, max: Bool) throws -> Value {
    let x = try Reorder.value(input, to: .plain)
    let y = Value(zeros: g.output)
    withExtendedLifetime(x) {
      let source = x.buffer.pointer, target = y.buffer.pointer
      forEachWindow(g) { inPlane, outPlane, o, window in
        guard !window.isEmpty else { return }
        if max {
          target[outPlane + o] = window.dropFirst().reduce(source[inPlane + window[0]]) { Swift.max($0, source[inPlane + $1]) }
        } else {
          target[outPlane + o] = window.reduce(0) { $0 + source[inPlane + $1] } / Float(window.count)
        }
      }
    }
    return y
  }

  /// Max: each gradient goes to the first maximum of its window; average: spread over the window.
  static func backward(_ input: Value, _ outputGradient: Value, geometry g: PoolingGeometry, max: Bool) throws -> Value {
    let x = try Reorder.value(input, to: .plain), dy = try Reorder.value(outputGradient, to: .plain)
    let dx = Value(zeros: g.input)
    withExtendedLifetime((x, dy)) {
      let source = x.buffer.pointer, gradient = dy.buffer.pointer, target = dx.buffer.pointer
      forEachWindow(g) { inPlane, outPlane, o, window in
        guard !window.isEmpty else { return }
        let g = gradient[outPlane + o]
        if max {
          var best = window[0]
          for index in window.dropFirst() where source[inPlane + index] > source[inPlane + best] { best = index }
          target[inPlane + best] += g
        } else {
          for index in window { target[inPlane + index] += g / Float(window.count) }
        }
      }
    }
    return dx
  }
}
