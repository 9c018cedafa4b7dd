import CDNNL
@testable import Engine
import Testing

// The audit behind "a reference kernel is never on the hot path without anyone knowing". Dilated pooling
// is reference code in oneDNN 2.6 on every ISA (`Pool` runs it as `DilatedPooling` for that reason), so
// asking oneDNN's pooling primitives for it directly is a reliable reference-code primitive.
@Suite("Kernel audit: reference code is recorded and announced once", .serialized)
struct KernelAuditRecordingTests {
  final class Lines: @unchecked Sendable {
    var lines: [String] = []
    let lock = Lock()
  }

  static func dilatedGeometry(_ size: Int) -> PoolingGeometry {
    PoolingGeometry(input: [1, 8, size, size], output: [1, 8, size - 4, size - 4], kernel: [3, 3], strides: [1, 1],
                    dilations: [2, 2], padBegin: [0, 0], padEnd: [0, 0], layout: .native)
  }

  @Test("each reference-code primitive is a finding; the process warns once, naming the primitive and the ISA")
  func referenceCodeIsRecordedAndWarnedOnce() throws {
    let captured = Lines()
    let (savedSink, savedWarned) = (KernelAudit.warningSink, KernelAudit.warned)
    KernelAudit.warningSink = { line in captured.lock.withLock { captured.lines.append(line) } }
    KernelAudit.warned = false
    defer { (KernelAudit.warningSink, KernelAudit.warned) = (savedSink, savedWarned) }

    let pooling = PoolingPrimitives(algorithm: dnnl_pooling_max)
    let findings = try KernelAudit.recording {
      for size in [9, 11] {
        let g = Self.dilatedGeometry(size)
        _ = try pooling.forward(Value(zeros: g.input, layout: .native), geometry: g)
      }
    }.findings
    #expect(findings.count == 2, "\(findings)")
    #expect(findings.allSatisfy { $0.implementation.hasPrefix("ref:") && $0.primitive.hasPrefix("pooling forward") }, "\(findings)")
    let lines = captured.lock.withLock { captured.lines }
    #expect(lines == [KernelAudit.warning(for: findings[0].primitive)], "\(lines)")
    #expect(lines.first?.hasSuffix("on \(ChannelBlock.instructionSet); this run will be slow") == true)
    #expect(KernelAudit.findings.contains(findings[0]), "the process-wide list misses a finding")
  }

  @Test("an optimised kernel is taken over reference code when a later candidate has one")
  func laterOptimisedCandidateWins() throws {
    // 5 -> 7 channels: oneDNN 2.6 has only reference code for it on fixed blocked layouts on some ISAs, an
    // optimised kernel under `any` or plain; the convolution takes the first optimised one.
    var random = SeededGenerator(seed: 21)
    let conv = try Conv(weights: random.convWeights([7, 5, 3, 3]), bias: nil, padding: .explicit(begin: [1, 1], end: [1, 1]))
    let (name, findings) = try KernelAudit.recording { try conv.forwardImplementation(inputShape: [1, 5, 8, 8]) }
    #expect(!name.hasPrefix("ref:") && findings.isEmpty, "\(name) \(findings)")
  }
}
