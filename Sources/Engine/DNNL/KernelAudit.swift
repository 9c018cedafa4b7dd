import CDNNL
import Foundation

/// Watches which oneDNN kernels the heavy primitives (convolution, pooling, inner product, matmul,
/// and the eltwise primitives of ReLU-like backward passes)
/// get. oneDNN falls back silently to its reference loops (`ref:` implementations, 20-2000× slower)
/// when no optimised kernel fits a problem on this CPU; that is a bug of ours (a layout or shape the
/// kernels do not take), so each primitive tries the layouts oneDNN's fast kernels want first
/// (`firstOptimised`), and whatever still lands on reference code is recorded here: tests fail on it,
/// and a run prints one warning per process so a user on an unusual CPU learns why it is slow.
public enum KernelAudit {
  /// A heavy primitive that runs oneDNN's reference code.
  public struct Finding: Sendable, Hashable, CustomStringConvertible {
    public let primitive: String       // "convolution backward-data [1, 20, 28, 28] <- [1, 36, 28, 28]"
    public let implementation: String  // "ref:any"
    public var description: String { "\(primitive): \(implementation)" }
  }

  nonisolated(unsafe) private static var found: [Finding] = []
  /// Whether this process has printed its warning (internal: tests reset it).
  nonisolated(unsafe) static var warned = false
  private static let lock = Lock()

  /// Every reference-code heavy primitive created so far in this process.
  public static var findings: [Finding] { lock.withLock { found } }

  /// Collects the findings of the primitives created inside one `recording` call (tests run in
  /// parallel, so the process-wide list cannot say which network a finding came from).
  final class Collector: @unchecked Sendable {
    var findings: [Finding] = []
  }
  @TaskLocal static var collector: Collector?

  /// Runs `body` and returns the findings of the primitives it created (on this task).
  public static func recording<T>(_ body: () throws -> T) rethrows -> (result: T, findings: [Finding]) {
    let collector = Collector()
    let result = try $collector.withValue(collector) { try body() }
    return (result, lock.withLock { collector.findings })
  }

  static func isReference(_ implementation: String) -> Bool { implementation.hasPrefix("ref:") }

  /// The one line a run prints the first time a heavy primitive lands on reference code.
  static func warning(for primitive: String) -> String {
    "convlens: warning: oneDNN has no optimised kernel for \(primitive) on \(ChannelBlock.instructionSet); this run will be slow"
  }

  /// Where the warning goes: standard error (tests read it instead).
  nonisolated(unsafe) static var warningSink: @Sendable (String) -> Void = { line in
    FileHandle.standardError.write(Data((line + "\n").utf8))
  }

  /// Records a primitive that runs reference code; the first one of the process is also printed.
  static func noteReference(_ primitive: String, implementation: String) {
    let shouldWarn = lock.withLock { () -> Bool in
      let finding = Finding(primitive: primitive, implementation: implementation)
      found.append(finding)
      collector?.findings.append(finding)
      defer { warned = true }
      return !warned
    }
    if shouldWarn { warningSink(warning(for: primitive)) }
  }

  /// Creates the descriptor of each candidate in turn and keeps the first whose implementation is not
  /// reference code. Candidates oneDNN cannot make at all are skipped; when every candidate that could be
  /// made runs reference code, the first of those is kept and recorded. `describe` names the problem.
  static func firstOptimised<Candidate>(_ candidates: [Candidate], describe: String,
                                        make: (Candidate) throws -> dnnl_primitive_desc_t) throws -> (Candidate, dnnl_primitive_desc_t) {
    var fallback: (Candidate, dnnl_primitive_desc_t)?
    var lastError: Error?
    for candidate in candidates {
      let pd: dnnl_primitive_desc_t
      do { pd = try make(candidate) } catch { lastError = error; continue }
      if !isReference(DNNLRuntime.implementationName(pd)) {
        if let (_, unused) = fallback { dnnl_primitive_desc_destroy(unused) }
        return (candidate, pd)
      }
      if fallback == nil { fallback = (candidate, pd) } else { dnnl_primitive_desc_destroy(pd) }
    }
    guard let fallback else { throw lastError ?? EngineError("oneDNN made no \(describe) primitive") }
    noteReference(describe, implementation: DNNLRuntime.implementationName(fallback.1))
    return fallback
  }
}
