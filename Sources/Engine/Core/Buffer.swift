import Foundation

/// A 64-byte aligned float buffer that oneDNN primitives read and write in place.
/// A class so that a `Value` can be shared between a trace and a primitive call without copying;
/// values are written once (by the op that produces them) and only read afterwards.
/// Memory comes from `BufferPool`, so a forward pass reuses the pages of the previous one
/// instead of faulting in tens of megabytes of fresh memory each time.
final class FloatBuffer: @unchecked Sendable {
  let count: Int
  let pointer: UnsafeMutablePointer<Float>
  /// Floats allocated (≥ count: a pooled buffer may be larger than asked).
  private let capacity: Int

  /// A zero-filled buffer of `count` floats.
  convenience init(count: Int) {
    self.init(uninitializedCount: count)
    pointer.update(repeating: 0, count: max(count, 1))
  }

  /// A buffer whose contents the caller overwrites entirely (outputs of primitives and maps).
  init(uninitializedCount count: Int) {
    self.count = count
    (pointer, capacity) = BufferPool.shared.take(max(count, 1))
  }

  convenience init(_ values: [Float]) {
    self.init(uninitializedCount: values.count)
    values.withUnsafeBufferPointer { source in
      if let base = source.baseAddress { pointer.update(from: base, count: values.count) }
    }
  }

  deinit { BufferPool.shared.give(pointer, capacity: capacity) }

  var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
}

/// glibc's `malloc_trim` (in <malloc.h>, which the Glibc module does not import): returns free heap
/// pages to the system; freed buffers below the mmap threshold stay mapped otherwise.
@_silgen_name("malloc_trim") private func mallocTrim(_ pad: Int) -> Int32

/// Memory the engine keeps between runs.
public enum EngineMemory {
  /// Frees the buffers the pool holds for reuse (up to 1 GB after large batches). Between independent
  /// jobs (a notebook's steps), so one step's idle buffers do not add to the next one's peak.
  public static func releaseIdleBuffers() { BufferPool.shared.drain() }
}

/// Recycles freed buffers, most recently freed first: a request takes the latest idle buffer that
/// holds it without wasting more than half (capacity in [count, 2·count]). Within one forward pass
/// that is usually a tensor released a few layers earlier whose lines are still in cache, so the
/// next layer writes into cache instead of fetching cold memory (measured: the depthwise layers
/// of EfficientNet-Lite0 ran up to 2x slower writing into buffers last touched a pass earlier).
/// Keeps at most `limitBytes` and `limitCount` buffers idle, dropping the oldest first.
final class BufferPool: @unchecked Sendable {
  static let shared = BufferPool()
  private var idle: [(capacity: Int, pointer: UnsafeMutablePointer<Float>)] = []  // oldest first
  private var idleBytes = 0
  private let limitBytes = 1 << 30
  private let limitCount = 512
  private let lock = Lock()

  /// A buffer of at least `count` floats and its capacity.
  func take(_ count: Int) -> (pointer: UnsafeMutablePointer<Float>, capacity: Int) {
    let found = lock.withLock { () -> (UnsafeMutablePointer<Float>, Int)? in
      guard let index = idle.lastIndex(where: { $0.capacity >= count && $0.capacity / 2 <= count }) else { return nil }
      let entry = idle.remove(at: index)
      idleBytes -= entry.capacity * 4
      return (entry.pointer, entry.capacity)
    }
    if let found { return found }
    let raw = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Float>.stride, alignment: 64)
    return (raw.bindMemory(to: Float.self, capacity: count), count)
  }

  /// Frees every idle buffer and hands the freed heap back to the system.
  func drain() {
    let dropped = lock.withLock { () -> [UnsafeMutablePointer<Float>] in
      defer { idle.removeAll(); idleBytes = 0 }
      return idle.map(\.pointer)
    }
    for pointer in dropped { pointer.deallocate() }
    _ = mallocTrim(0)
  }

  func give(_ pointer: UnsafeMutablePointer<Float>, capacity: Int) {
    var dropped: [UnsafeMutablePointer<Float>] = []
    lock.withLock {
      idle.append((capacity, pointer))
      idleBytes += capacity * 4
      while idleBytes > limitBytes || idle.count > limitCount {
        let oldest = idle.removeFirst()
        idleBytes -= oldest.capacity * 4
        dropped.append(oldest.pointer)
      }
    }
    for pointer in dropped { pointer.deallocate() }
  }
}
