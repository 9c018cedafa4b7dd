/// ONNX Resize (opsets 13-21), modes nearest and linear, over the last two axes (H, W of NCHW; the
/// leading axes are kept). Output size: `sizes`, or ⌊input · scale⌋ with `scales`.
/// Each output coordinate x maps to an input coordinate (ONNX operator spec, scale = out/in, or the
/// given scale):
///   half_pixel          (x + ½)/scale − ½
///   pytorch_half_pixel  (x + ½)/scale − ½ when out > 1, else 0
///   align_corners       x·(in − 1)/(out − 1) (0 when out = 1)
///   asymmetric          x/scale
///   half_pixel_symmetric (opset 19) (x + ½)/scale − ½ + c·(1 − out/(scale·in)), c = in/2
/// nearest picks index round_prefer_floor / round_prefer_ceil / floor / ceil of it, clamped to
/// [0, in − 1]; linear clamps it to [0, in − 1] and interpolates between ⌊c⌋ and ⌊c⌋ + 1 (as
/// onnxruntime and torch's bilinear). The result is a sum of at most four taps per output element,
/// so the backward pass scatters the gradient back with the same weights.
public final class Resize: Op, ExecutableOp, @unchecked Sendable {
  public enum Mode: String, Sendable, CaseIterable { case nearest, linear }
  public enum CoordinateMode: String, Sendable, CaseIterable {
    case halfPixel = "half_pixel", pytorchHalfPixel = "pytorch_half_pixel", alignCorners = "align_corners"
    case asymmetric, halfPixelSymmetric = "half_pixel_symmetric"
  }
  public enum NearestMode: String, Sendable, CaseIterable {
    case roundPreferFloor = "round_prefer_floor", roundPreferCeil = "round_prefer_ceil", floor, ceil
  }
  /// The spatial output: scales (H, W) or sizes (H, W).
  public enum Target: Sendable, Equatable { case scales(Float, Float), sizes(Int, Int) }

  public let typeName = "Resize"
  public let traits: OpTraits = []
  public let mode: Mode
  public let coordinates: CoordinateMode
  public let nearest: NearestMode
  public let target: Target
  public init(mode: Mode, coordinates: CoordinateMode, nearest: NearestMode = .roundPreferFloor, target: Target) {
    self.mode = mode
    self.coordinates = coordinates
    self.nearest = nearest
    self.target = target
  }

  /// Output size and scale of one axis.
  private func axis(_ input: Int, _ index: Int) throws -> (size: Int, scale: Float) {
    switch target {
    case .scales(let h, let w):
      let scale = index == 0 ? h : w
      let size = (Float(input) * scale).rounded(.down)
      guard scale > 0, size.isFinite, size < 0x1p40 else { throw EngineError("Resize scale \(scale) must be positive and finite, and give a plausible size") }
      return (Int(size), scale)
    case .sizes(let h, let w):
      let size = index == 0 ? h : w
      guard size >= 0 else { throw EngineError("Resize size \(size) must not be negative") }
      return (size, Float(size) / Float(max(input, 1)))
    }
  }

  public func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
    let x = inputShapes[0]
    guard x.count >= 2 else { throw EngineError("Resize needs an input of rank ≥ 2, got \(x)") }
    return [Array(x.dropLast(2)) + [try axis(x[x.count - 2], 0).size, try axis(x[x.count - 1], 1).size]]
  }

  /// The (up to) two taps of each output index along one axis: input indices and weights.
  struct Taps { var low: [Int] = [], high: [Int] = [], highWeight: [Float] = [] }

  func taps(input: Int, axisIndex: Int) throws -> Taps {
    let (size, scale) = try axis(input, axisIndex)
    var taps = Taps()
    for o in 0..<size {
      let x = Float(o)
      var c: Float
      switch coordinates {
      case .halfPixel: c = (x + 0.5) / scale - 0.5
      case .pytorchHalfPixel: c = size > 1 ? (x + 0.5) / scale - 0.5 : 0
      case .alignCorners: c = size > 1 ? x * Float(input - 1) / Float(size - 1) : 0
      case .asymmetric: c = x / scale
      case .halfPixelSymmetric:
        let adjustment = Float(size) / (scale * Float(input))
        c = Float(input) / 2 * (1 - adjustment) + (x + 0.5) / scale - 0.5
      }
      switch mode {
      case .nearest:
        var i: Int
        switch nearest {
        case .roundPreferFloor: i = c == c.rounded(.down) + 0.5 ? Int(c.rounded(.down)) : Int(c.rounded())
        case .roundPreferCeil: i = c == c.rounded(.down) + 0.5 ? Int(c.rounded(.up)) : Int(c.rounded())
        case .floor: i = Int(c.rounded(.down))
        case .ceil: i = Int(c.rounded(.up))
        }
        i = min(max(i, 0), input - 1)
        taps.low.append(i); taps.high.append(i); taps.highWeight.append(0)
      case .linear:
        c = min(max(c, 0), Float(input - 1))
        let low = min(Int(c), input - 1)
        taps.low.append(low); taps.high.append(min(low + 1, input - 1)); taps.highWeight.append(c - Float(low))
      }
    }
    return taps
  }

  /// Calls body(output offset, input offset, weight) for each of the (up to four) taps of every output element.
  private func forEachTap(_ shape: [Int], _ body: (Int, Int, Float) -> Void) throws {
    let h = shape[shape.count - 2], w = shape[shape.count - 1], planes = shape.dropLast(2).reduce(1, *)
    let rows = try taps(input: h, axisIndex: 0), columns = try taps(input: w, axisIndex: 1)
    let outH = rows.low.count, outW = columns.low.count
    for plane in 0..<planes {
      for oy in 0..<outH {
        let wy1 = rows.highWeight[oy], wy0 = 1 - wy1
        let y0 = (plane * h + rows.low[oy]) * w, y1 = (plane * h + rows.high[oy]) * w
        for ox in 0..<outW {
          let wx1 = columns.highWeight[ox], wx0 = 1 - wx1
          let out = (plane * outH + oy) * outW + ox
          let x0 = columns.low[ox], x1 = columns.high[ox]
          body(out, y0 + x0, wy0 * wx0)
          if wx1 != 0 { body(out, y0 + x1, wy0 * wx1) }
          if wy1 != 0 {
            body(out, y1 + x0, wy1 * wx0)
            if wx1 != 0 { body(out, y1 + x1, wy1 * wx1) }
          }
        }
      }
    }
  }

  func forward(_ inputs: [Value]) throws -> [Value] {
    let x = try Reorder.value(inputs[0], to: .plain)
    let out = Value(zeros: try outputShapes([x.shape])[0])
    defer { withExtendedLifetime(x) {} }  // pooled buffers: keep alive while their pointers are used
    let source = x.buffer.pointer, target = out.buffer.pointer
    try forEachTap(x.shape) { o, i, weight in target[o] += weight * source[i] }
    return [out]
  }

  func backward(_ pass: BackwardPass) throws -> [Value?] {
    guard pass.needsGradient[0], let dyValue = pass.outputGradients[0] else { return [nil] }
    let dy = try Reorder.value(dyValue, to: .plain)
    let dx = Value(zeros: pass.inputs[0].shape)
    defer { withExtendedLifetime(dy) {} }  // pooled buffers: keep alive while their pointers are used
    let g = dy.buffer.pointer, target = dx.buffer.pointer
    try forEachTap(pass.inputs[0].shape) { o, i, weight in target[i] += weight * g[o] }
    return [dx]
  }
}
