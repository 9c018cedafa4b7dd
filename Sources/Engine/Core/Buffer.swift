import Foundation

/// A 64-byte aligned float buffer that oneDNN primitives read and write in place.
/// A class so that a `Value` can be shared between a trace and a primitive call without copying;
/// values are written once (by the op that produces them) and only read afterwards.
/// Memory comes from `BufferPool`, so a forward pass reuses the pages of the previous one
/// instead of faulting in tens of megabytes of fresh memory each time.
public final class FloatBuffer: @unchecked Sendable {
  public let count: Int
  public let pointer: UnsafeMutablePointer<Float>

  /// A zero-filled buffer of `count` floats.
  public convenience init(count: Int) {
    self.init(uninitializedCount: count)
    pointer.update(repeating: 0, count: max(count, 1))
  }

  /// A buffer whose contents the caller overwrites entirely (outputs of primitives and maps).
  public init(uninitializedCount count: Int) {
    self.count = count
    pointer = BufferPool.shared.take(max(count, 1))
  }

  public convenience init(_ values: [Float]) {
    self.init(uninitializedCount: values.count)
    values.withUnsafeBufferPointer { source in
      if let base = source.baseAddress { pointer.update(from: base, count: values.count) }
    }
  }

  deinit { BufferPool.shared.give(pointer, count: max(count, 1)) }

  public var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
}

/// Recycles freed buffers by exact size (networks allocate the same shapes run after run),
/// keeping at most `limitBytes` idle.
final class BufferPool: @unchecked Sendable {
  static let shared = BufferPool()
  private var idle: [Int: [UnsafeMutablePointer<Float>]] = [:]
  private var idleBytes = 0
  private let limitBytes = 1 << 30
  private let lock = Lock()

  func take(_ count: Int) -> UnsafeMutablePointer<Float> {
    if let pointer = lock.withLock({ () -> UnsafeMutablePointer<Float>? in
      guard let pointer = idle[count]?.popLast() else { return nil }
      idleBytes -= count * 4
      return pointer
    }) { return pointer }
    let raw = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Float>.stride, alignment: 64)
    return raw.bindMemory(to: Float.self, capacity: count)
  }

  func give(_ pointer: UnsafeMutablePointer<Float>, count: Int) {
    let kept = lock.withLock { () -> Bool in
      guard idleBytes + count * 4 <= limitBytes else { return false }
      idle[count, default: []].append(pointer)
      idleBytes += count * 4
      return true
    }
    if !kept { pointer.deallocate() }
  }
}
