/// How a value's floats are arranged in memory.
enum Layout: Sendable, Hashable {
  /// Row-major over the logical shape (NCHW for 4-D tensors).
  case plain
  /// oneDNN's `nChw{width}c` (`nChw16c`, `nChw8c`): 4-D only; channels grouped in blocks of `width`
  /// (the last block zero-padded), element (n, c, h, w) at
  /// ((n·⌈C/width⌉ + c/width)·H·W + h·W + w)·width + c%width. Convolutions and pooling run about twice
  /// as fast on it as on plain NCHW (depthwise ~40×), so activations stay in it between primitives and
  /// are reordered to plain only when they leave the engine.
  case blocked(width: Int)

  /// The blocked layout this process runs in: the channel block oneDNN's convolution kernels take on
  /// this CPU (16 floats on AVX-512, 8 on AVX2, AVX and SSE4.1), asked of oneDNN once per process
  /// (`ChannelBlock.width`). Every activation the engine blocks is in this layout.
  static var native: Layout { .blocked(width: ChannelBlock.width) }

  /// The channel block width, nil for plain.
  var blockWidth: Int? {
    if case .blocked(let width) = self { return width }
    return nil
  }

  var isBlocked: Bool { blockWidth != nil }
}

/// A tensor as the engine holds it during a run: logical shape, layout, and a shared buffer.
struct Value: @unchecked Sendable {
  let shape: [Int]
  let layout: Layout
  let buffer: FloatBuffer

  init(shape: [Int], layout: Layout, buffer: FloatBuffer) {
    self.shape = shape
    self.layout = layout
    self.buffer = buffer
  }

  /// A zero-filled value of the given shape and layout.
  init(zeros shape: [Int], layout: Layout = .plain) {
    self.shape = shape
    self.layout = layout
    self.buffer = FloatBuffer(count: Value.storageCount(shape: shape, layout: layout))
  }

  /// A value whose every stored float the caller will write (primitive outputs, maps).
  init(uninitialized shape: [Int], layout: Layout = .plain) {
    self.shape = shape
    self.layout = layout
    self.buffer = FloatBuffer(uninitializedCount: Value.storageCount(shape: shape, layout: layout))
  }

  init(_ tensor: Tensor) {
    self.init(shape: tensor.shape, layout: .plain, buffer: FloatBuffer(tensor.values))
  }

  /// Number of logical elements.
  var count: Int { shape.reduce(1, *) }

  /// Floats needed to store `shape` in `layout` (a blocked layout pads channels to its block width).
  static func storageCount(shape: [Int], layout: Layout) -> Int {
    switch layout {
    case .plain: return shape.reduce(1, *)
    case .blocked(let width):
      return shape[0] * paddedChannels(shape[1], width: width) * shape[2] * shape[3]
    }
  }

  /// `channels` rounded up to whole blocks of `width` (the native block width by default).
  static func paddedChannels(_ channels: Int, width: Int = ChannelBlock.width) -> Int {
    (channels + width - 1) / width * width
  }

  /// Same data, new logical shape; only for plain values (a reshape never moves data).
  func reshaped(_ newShape: [Int]) -> Value {
    precondition(layout == .plain)
    return Value(shape: newShape, layout: .plain, buffer: buffer)
  }

  /// The value as a public tensor, plain row-major (reordered when blocked).
  func tensor() throws -> Tensor {
    let plainValue = try Reorder.value(self, to: .plain)
    return withExtendedLifetime(plainValue) {  // pooled buffers: keep alive while the pointer is read
      Tensor(shape: plainValue.shape, values: Array(UnsafeBufferPointer(start: plainValue.buffer.pointer, count: plainValue.count)))
    }
  }
}

/// Iterates the real (unpadded) elements of a 4-D value channel by channel, in either layout:
/// `body(n, c, pointer, stride, count)` gets the `H·W` elements of channel c of item n, which are
/// `stride` floats apart (1 for plain, the block width for blocked). Element-wise ops use this to run
/// on both layouts without touching the padding lanes of the blocked layout.
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
  case .blocked(let width):
    let blocks = Value.paddedChannels(c, width: width) / width
    for item in 0..<n {
      for channel in 0..<c {
        let block = channel / width, lane = channel % width
        body(item, channel, base + ((item * blocks + block) * spatial) * width + lane, width, spatial)
      }
    }
  }
}

/// The storage offset of element (n, c, 0, 0) of a 4-D value of `shape` in `layout`.
@inline(__always)
func channelOffset(_ shape: [Int], _ layout: Layout, _ n: Int, _ c: Int) -> Int {
  let spatial = shape[2] * shape[3]
  switch layout {
  case .plain: return (n * shape[1] + c) * spatial
  case .blocked(let width):
    let blocks = Value.paddedChannels(shape[1], width: width) / width
    return ((n * blocks + c / width) * spatial) * width + c % width
  }
}
