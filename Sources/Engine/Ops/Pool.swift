import CDNNL

/// MaxPool and AveragePool (ONNX): kernel, strides, pads, auto_pad, dilations, ceil_mode and
/// count_include_pad, on oneDNN pooling primitives. One class: the two differ in the algorithm.
public final class Pool: Op, @unchecked Sendable {
  public enum Kind: String, Sendable { case max = "MaxPool", average = "AveragePool" }
  public let kind: Kind
  public var typeName: String { kind.rawValue }
  public let kernel: [Int]
  public let strides: [Int]
  public let dilations: [Int]
  public let padding: Conv.Padding
  public let ceilMode: Bool
  public let countIncludePad: Bool
  private let primitives: PoolingPrimitives

  public init(kind: Kind, kernel: [Int], strides: [Int]?, dilations: [Int]? = nil,
              padding: Conv.Padding = .explicit(begin: [0, 0], end: [0, 0]), ceilMode: Bool = false,
              countIncludePad: Bool = false) throws {
    guard kernel.count == 2, kernel.allSatisfy({ $0 >= 1 }) else {
      throw EngineError("only 2-D pooling is supported (kernel \(kernel))")
    }
    self.kind = kind
    self.kernel = kernel
    self.strides = strides ?? [1, 1]
    self.dilations = dilations ?? [1, 1]
    self.padding = padding
    self.ceilMode = ceilMode
    self.countIncludePad = countIncludePad
    let algorithm = kind == .max ? dnnl_pooling_max : (countIncludePad ? dnnl_pooling_avg_include_padding : dnnl_pooling_avg_exclude_padding)
    self.primitives = PoolingPrimitives(algorithm: algorithm)
  }

  func geometry(_ input: [Int], layout: Layout) throws -> PoolingGeometry {
    guard input.count == 4 else { throw EngineError("\(typeName) expects a 4-D input, got \(input)") }
    var begin = [0, 0], end = [0, 0], output = [input[0], input[1], 0, 0], extraEnd = [0, 0]
    for axis in 0..<2 {
      let size = input[axis + 2], extent = (kernel[axis] - 1) * dilations[axis] + 1, stride = strides[axis]
      switch padding {
      case .explicit(let b, let e): begin[axis] = b[axis]; end[axis] = e[axis]
      case .valid: break
      case .sameUpper, .sameLower:
        let out = (size + stride - 1) / stride
        let total = max(0, (out - 1) * stride + extent - size)
        begin[axis] = padding == .sameUpper ? total / 2 : total - total / 2
        end[axis] = total - begin[axis]
      }
      let span = size + begin[axis] + end[axis] - extent
      guard span >= 0 else { throw EngineError("\(typeName) kernel \(kernel) is larger than the padded input \(input)") }
      var out = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1
      // As in PyTorch/ONNX: the last window must start inside the input or its left padding.
      if ceilMode && (out - 1) * stride >= size + begin[axis] { out -= 1 }
      output[axis + 2] = out
      extraEnd[axis] = max(0, (out - 1) * stride + extent - size - begin[axis] - end[axis])
    }
    if kind == .average && countIncludePad && extraEnd != [0, 0] {
      throw EngineError("AveragePool with count_include_pad=1 and a ceil_mode window past the pads is not supported")
    }
    return PoolingGeometry(input: input, output: output, kernel: kernel, strides: strides, dilations: dilations,
                           padBegin: begin, padEnd: [end[0] + extraEnd[0], end[1] + extraEnd[1]], layout: layout)
  }

  public func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
    [try geometry(inputShapes[0], layout: .plain).output]
  }

  private func layout(for x: Value) -> Layout { x.layout == .plain && x.shape[1] <= 4 ? .plain : .blocked16 }

  public func forward(_ inputs: [Value]) throws -> [Value] {
    let x = try Reorder.value(inputs[0], to: layout(for: inputs[0]))
    return [try primitives.forward(x, geometry: try geometry(x.shape, layout: x.layout)).0]
  }

  public func backward(_ pass: BackwardPass) throws -> [Value?] {
    guard pass.needsGradient[0], let dy = pass.outputGradients[0] else { return [nil] }
    let x = try Reorder.value(pass.inputs[0], to: layout(for: pass.inputs[0]))
    return [try primitives.backward(x, dy, geometry: try geometry(x.shape, layout: x.layout))]
  }
}
