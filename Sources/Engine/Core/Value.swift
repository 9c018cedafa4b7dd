/// How a value's floats are arranged in memory.
public enum Layout: Sendable, Hashable {
  /// Row-major over the logical shape (NCHW for 4-D tensors).
  case plain
  /// oneDNN's `nChw16c`: 4-D only; channels grouped in blocks of 16 (the last block zero-padded),
  /// element (n, c, h, w) at ((n·⌈C/16⌉ + c/16)·H·W + h·W + w)·16 + c%16. Convolutions and pooling
  /// run about twice as fast on it as on plain NCHW (depthwise ~40×), so activations stay in it
  /// between primitives and are reordered to plain only when they leave the engine.
  case blocked16
}

/// A tensor as the engine holds it during a run: logical shape, layout, and a shared buffer.
public struct Value: @unchecked Sendable {
  public let shape: [Int]
  public let layout: Layout
  public let buffer: FloatBuffer

  public init(shape: [Int], layout: Layout, buffer: FloatBuffer) {
    self.shape = shape
    self.layout = layout
    self.buffer = buffer
  }

  /// A zero-filled value of the given shape and layout.
  public init(zeros shape: [Int], layout: Layout = .plain) {
    self.shape = shape
    self.layout = layout
    self.buffer = FloatBuffer(count: Value.storageCount(shape: shape, layout: layout))
  }

  /// A value whose every stored float the caller will write (primitive outputs, maps).
  public init(uninitialized shape: [Int], layout: Layout = .plain) {
    self.shape = shape
    self.layout = layout
    self.buffer = FloatBuffer(uninitializedCount: Value.storageCount(shape: shape, layout: layout))
  }

  public init(_ tensor: Tensor) {
    self.init(shape: tensor.shape, layout: .plain, buffer: FloatBuffer(tensor.values))
  }

  /// Number of logical elements.
  public var count: Int { shape.reduce(1, *) }

  public static let blockSize = 16

  /// Floats needed to store `shape` in `layout` (the blocked layout pads channels to 16).
  public static func storageCount(shape: [Int], layout: Layout) -> Int {
    switch layout {
    case .plain: return shape.reduce(1, *)
    case .blocked16:
      return shape[0] * paddedChannels(shape[1]) * shape[2] * shape[3]
    }
  }

  public static func paddedChannels(_ channels: Int) -> Int { (channels + blockSize - 1) / blockSize * blockSize }

  /// Same data, new logical shape; only for plain values (a reshape never moves data).
  public func reshaped(_ newShape: [Int]) -> Value {
    precondition(layout == .plain)
    return Value(shape: newShape, layout: .plain, buffer: buffer)
  }
}

/// Iterates the real (unpadded) elements of a 4-D value channel by channel, in either layout:
/// `body(n, c, pointer, stride, count)` gets the `H·W` elements of channel c of item n, which are
/// `stride` floats apart (1 for plain, 16 for blocked). Element-wise ops use this to run on both
/// layouts without touching the padding lanes of the blocked layout.
@inline(__always)
func forEachChannel(
  _ shape: [Int], _ layout: Layout, _ base: UnsafeMutablePointer<Float>,
  _ body: (_ n: Int, _ c: Int, _ pointer: UnsafeMutablePointer<Float>, _ stride: Int, _ count: Int) -> Void
) {
  let n = shape[0], c = shape[1], spatial = shape[2] * shape[3]
  switch layout {
  case .plain:
    for item in 0..<n {
      for channel in 0..<c { body(item, channel, base + (item * c + channel) * spatial, 1, spatial) }
    }
  case .blocked16:
    let blocks = Value.paddedChannels(c) / Value.blockSize
    for item in 0..<n {
      for channel in 0..<c {
        let block = channel / Value.blockSize, lane = channel % Value.blockSize
        body(item, channel, base + ((item * blocks + block) * spatial) * Value.blockSize + lane, Value.blockSize, spatial)
      }
    }
  }
}
