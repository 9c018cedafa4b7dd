import Engine

/// A rectangle of a feature map, half-open: rows top..<bottom, columns left..<right.
struct Region: Equatable, Sendable {
  var top: Int, left: Int, bottom: Int, right: Int
  var height: Int { bottom - top }
  var width: Int { right - left }
  var isEmpty: Bool { bottom <= top || right <= left }
  func union(_ other: Region) -> Region {
    Region(top: min(top, other.top), left: min(left, other.left), bottom: max(bottom, other.bottom), right: max(right, other.right))
  }
  func intersection(_ other: Region) -> Region {
    Region(top: max(top, other.top), left: max(left, other.left), bottom: min(bottom, other.bottom), right: min(right, other.right))
  }
}

/// Incremental inference for occlusion: an occluded copy differs from the original image only in the
/// window, so each tensor differs only in the region that window reaches through the conv/pool chain.
/// Spatial ops (Conv, pooling, element-wise ops) recompute just that region from crops of their
/// inputs (with the borders' own padding), everything else (global pooling, the classifier) runs
/// on whole tensors. All tensors are kept plain, for one image.
final class IncrementalForward {
  /// A tensor of the occluded run: the original except in a region, or wholly new.
  enum Changed {
    case patch(Region, Tensor)  // [1, C, h, w] values of the region
    case whole(Tensor)
  }

  let network: Network
  let scoreName: String
  private var originals: [String: Tensor] = [:]
  private var shapes: [String: [Int]] = [:]
  private var variants: [String: any Op] = [:]

  /// Ops that act position by position (outputs at (i, j) read inputs at (i, j) only, with
  /// per-channel or scalar broadcasts).
  static let pointwise: Set<String> = ["Relu", "Clip", "HardSwish", "HardSigmoid", "Sigmoid", "Tanh", "LeakyRelu", "PRelu",
                                       "BatchNormalization", "Add", "Sub", "Mul", "Div", "Identity", "Dropout", "Elu", "Selu"]

  /// `image`: [1, C, H, W], the unoccluded input.
  init(network: Network, image: Tensor) throws {
    self.network = network
    scoreName = ClassScores.tensorName(network)
    let trace = try network.forward(image)
    shapes = try network.shapes(forInput: image.shape)
    for name in network.tensorNames { originals[name] = try trace.tensor(named: name) }
  }

  /// The original score row.
  var originalScores: [Float] { originals[scoreName]?.values ?? [] }

  /// The score row with `region` of the input replaced by `occluded` ([1, C, h, w]).
  func scores(replacing region: Region, with occluded: Tensor) throws -> [Float] {
    var changed: [String: Changed] = [network.inputName: .patch(region, occluded)]
    for (index, node) in network.nodes.enumerated() where node.inputs.contains(where: { changed[$0] != nil }) {
      let outputs = try run(node, index: index, changed: changed)
      for (name, value) in zip(node.outputs, outputs) { if let value { changed[name] = value } }
    }
    guard let result = changed[scoreName] else { return originalScores }
    return whole(scoreName, result).values
  }

  private func run(_ node: Node, index: Int, changed: [String: Changed]) throws -> [Changed?] {
    let outputShape = shapes[node.outputs[0]] ?? []
    if let window = Window(node.op, inputShape: shapes[node.inputs[0]] ?? []), outputShape.count == 4,
       let input = changed[node.inputs[0]], case .patch(let dirty, _) = input {
      return [try runWindowed(node, index: index, window: window, dirty: dirty, outputShape: outputShape, changed: changed)]
    }
    if IncrementalForward.pointwise.contains(node.op.typeName), node.outputs.count == 1, outputShape.count == 4 {
      var region: Region?
      var spatialOnly = true
      for name in node.inputs where changed[name] != nil {
        if case .patch(let dirty, _) = changed[name], shapes[name]?.suffix(2) == outputShape.suffix(2) {
          region = region.map { $0.union(dirty) } ?? dirty
        } else {
          spatialOnly = false
        }
      }
      if spatialOnly, let region {
        let inputs = node.inputs.map { name -> Value in
          if let shape = shapes[name], shape.count == 4, shape.suffix(2) == outputShape.suffix(2) {
            return Value(crop(name, region, changed[name]))
          }
          return Value(changed[name].map { whole(name, $0) } ?? original(name))
        }
        let output = try node.op.forward(inputs)[0]
        return [.patch(region, PartialForward.plainTensor(output))]
      }
    }
    // Anything else: whole tensors in, whole tensors out.
    let inputs = node.inputs.map { name in name.isEmpty ? Value(zeros: [0]) : Value(changed[name].map { whole(name, $0) } ?? original(name)) }
    return try node.op.forward(inputs).map { .whole(PartialForward.plainTensor($0)) }
  }

  /// A Conv or pooling node on a changed region: only the outputs whose window meets the region.
  private func runWindowed(_ node: Node, index: Int, window: Window, dirty: Region, outputShape: [Int],
                           changed: [String: Changed]) throws -> Changed? {
    let inputShape = shapes[node.inputs[0]] ?? []
    var outRange: [(Int, Int)] = [], needed: [(Int, Int)] = [], localBegin = [0, 0], localEnd = [0, 0]
    for axis in 0..<2 {
      let (r0, r1) = axis == 0 ? (dirty.top, dirty.bottom) : (dirty.left, dirty.right)
      let s = window.strides[axis], pb = window.padBegin[axis], extent = window.extent[axis]
      let size = inputShape[axis + 2], outSize = outputShape[axis + 2]
      // Output o reads input [o·s − pb, o·s − pb + extent); it meets [r0, r1) for o in [low, high].
      let low = max(0, floorDivide(r0 + pb - extent, s) + 1)
      let high = min(outSize - 1, floorDivide(r1 + pb - 1, s))
      guard low <= high else { return nil }  // the change reaches no output: the tensor stays as it was
      let start = low * s - pb, end = high * s - pb + extent
      outRange.append((low, high + 1))
      needed.append((max(0, start), min(size, end)))
      localBegin[axis] = max(0, -start)
      localEnd[axis] = max(0, end - size)
    }
    let outRegion = Region(top: outRange[0].0, left: outRange[1].0, bottom: outRange[0].1, right: outRange[1].1)
    let inRegion = Region(top: needed[0].0, left: needed[1].0, bottom: needed[0].1, right: needed[1].1)
    let key = "\(index):\(localBegin):\(localEnd)"
    let op: any Op
    if let cached = variants[key] {
      op = cached
    } else {
      op = try window.variant(node.op, begin: localBegin, end: localEnd)
      variants[key] = op
    }
    var inputs = [Value(crop(node.inputs[0], inRegion, changed[node.inputs[0]]))]
    for name in node.inputs.dropFirst() { inputs.append(name.isEmpty ? Value(zeros: [0]) : Value(original(name))) }
    let output = PartialForward.plainTensor(try op.forward(inputs)[0])
    guard output.shape[2] == outRegion.height, output.shape[3] == outRegion.width else {
      throw MethodError("incremental occlusion: node '\(node.name)' gave \(output.shape) for region \(outRegion); use incremental: false")
    }
    if outRegion == Region(top: 0, left: 0, bottom: outputShape[2], right: outputShape[3]) { return .whole(output) }
    return .patch(outRegion, output)
  }

  private func original(_ name: String) -> Tensor {
    originals[name] ?? network.constants[name] ?? Tensor(zeros: [0])
  }

  /// The whole tensor: the original with the patch pasted in.
  private func whole(_ name: String, _ value: Changed) -> Tensor {
    switch value {
    case .whole(let tensor): return tensor
    case .patch(let region, let patch):
      var result = original(name)
      paste(patch, region: region, into: &result, clip: region)
      return result
    }
  }

  /// `region` of tensor `name` ([1, C, h, w] crop), including any change.
  private func crop(_ name: String, _ region: Region, _ value: Changed?) -> Tensor {
    let source: Tensor
    if case .whole(let tensor) = value { source = tensor } else { source = original(name) }
    let (channels, width) = (source.shape[1], source.shape[3]), height = source.shape[2]
    var values = [Float](repeating: 0, count: channels * region.height * region.width)
    for channel in 0..<channels {
      for row in 0..<region.height {
        let from = (channel * height + region.top + row) * width + region.left
        let to = (channel * region.height + row) * region.width
        for column in 0..<region.width { values[to + column] = source.values[from + column] }
      }
    }
    var result = Tensor(shape: [1, channels, region.height, region.width], values: values)
    if case .patch(let dirty, let patch) = value {
      let overlap = dirty.intersection(region)
      if !overlap.isEmpty {
        // Paste the changed values that fall inside the crop, in the crop's coordinates.
        let shifted = Region(top: dirty.top - region.top, left: dirty.left - region.left,
                             bottom: dirty.bottom - region.top, right: dirty.right - region.left)
        paste(patch, region: shifted, into: &result,
              clip: Region(top: 0, left: 0, bottom: region.height, right: region.width))
      }
    }
    return result
  }

  /// Copies `patch` (covering `region` of `target`) into `target`, only where inside `clip`.
  private func paste(_ patch: Tensor, region: Region, into target: inout Tensor, clip: Region) {
    let (channels, height, width) = (target.shape[1], target.shape[2], target.shape[3])
    let visible = region.intersection(clip).intersection(Region(top: 0, left: 0, bottom: height, right: width))
    guard !visible.isEmpty else { return }
    for channel in 0..<channels {
      for row in visible.top..<visible.bottom {
        let to = (channel * height + row) * width
        let from = (channel * region.height + row - region.top) * region.width - region.left
        for column in visible.left..<visible.right { target.values[to + column] = patch.values[from + column] }
      }
    }
  }
}

/// floor(a / b) for b > 0.
func floorDivide(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }

/// The sliding-window geometry of a Conv or pooling op, and copies of it with other padding.
struct Window {
  let strides: [Int], extent: [Int], padBegin: [Int]

  init?(_ op: any Op, inputShape: [Int]) {
    guard inputShape.count == 4 else { return nil }
    if let conv = op as? Conv {
      strides = conv.strides
      extent = (0..<2).map { (conv.kernel[$0] - 1) * conv.dilations[$0] + 1 }
      padBegin = conv.pads(forSpatial: [inputShape[2], inputShape[3]]).begin
    } else if let pool = op as? Pool {
      strides = pool.strides
      extent = (0..<2).map { (pool.kernel[$0] - 1) * pool.dilations[$0] + 1 }
      switch pool.padding {
      case .explicit(let begin, _): padBegin = begin
      case .valid: padBegin = [0, 0]
      case .sameUpper, .sameLower:
        padBegin = (0..<2).map { axis in
          let size = inputShape[axis + 2], stride = pool.strides[axis]
          let extent = (pool.kernel[axis] - 1) * pool.dilations[axis] + 1
          let total = max(0, ((size + stride - 1) / stride - 1) * stride + extent - size)
          return pool.padding == .sameUpper ? total / 2 : total - total / 2
        }
      }
    } else {
      return nil
    }
  }

  /// The same op with explicit padding `begin`/`end` (for a crop of its input).
  func variant(_ op: any Op, begin: [Int], end: [Int]) throws -> any Op {
    if let conv = op as? Conv {
      return try Conv(weights: conv.weights, bias: conv.bias, strides: conv.strides, dilations: conv.dilations,
                      padding: .explicit(begin: begin, end: end), group: conv.group)
    }
    guard let pool = op as? Pool else { throw MethodError("incremental occlusion: no windowed variant of \(op.typeName)") }
    return try Pool(kind: pool.kind, kernel: pool.kernel, strides: pool.strides, dilations: pool.dilations,
                    padding: .explicit(begin: begin, end: end), ceilMode: false, countIncludePad: pool.countIncludePad)
  }
}
