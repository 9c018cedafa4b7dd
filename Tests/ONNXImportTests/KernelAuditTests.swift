import Engine
import Foundation
import Imaging
import ONNXImport
import Testing

// oneDNN falls back silently to its reference loops (20-2000× slower) when a problem's layout or shape
// fits none of its optimised kernels on this CPU. No shared model and no op-fixture network may create
// a reference-code convolution or pooling primitive, forward or backward, on whatever ISA the suite
// runs under: natively, and under `ONEDNN_MAX_CPU_ISA` caps (`.ci/run` runs this suite once more under
// a cap below the native ISA; `KernelCapTests` in CLITests runs the audit under every cap).

/// What ISA this process runs, checked against the cap it was given.
enum InstructionSetCheck {
  static var cap: String? { ProcessInfo.processInfo.environment["ONEDNN_MAX_CPU_ISA"] }

  /// The ISA names oneDNN's caps map to (`ChannelBlock.instructionSet` prefixes).
  static let capNames = ["SSE41": "SSE4.1", "AVX": "AVX", "AVX2": "AVX2", "AVX512_CORE": "AVX-512"]
}

/// Forward (every tensor kept, fused, and a gradient run), then backward to the input under each ReLU
/// rule from both traces that allow it, with the kernel audit's findings from this network returned.
func auditedRun(_ network: Network, input: Tensor) throws -> [KernelAudit.Finding] {
  try KernelAudit.recording {
    let trace = try network.forward(input)
    _ = try network.forward(input, mode: .fused)
    let gradientTrace = try network.forward(input, mode: .gradients)
    let output = try trace.output()
    let seed = Tensor(shape: output.shape, values: [Float](repeating: 1, count: output.values.count))
    for rule in ReluRule.allCases {
      for run in [trace, gradientTrace] {
        _ = try run.backward(seed: seed, at: network.outputNames[0], to: [network.inputName], rule: BackwardRule(relu: rule))
      }
    }
  }.findings
}

@Suite("oneDNN kernels: never reference code")
struct KernelAuditTests {
  @Test("the ISA in use is the one asked for, and the block width follows it")
  func instructionSetFollowsTheCap() throws {
    let isa = ChannelBlock.instructionSet
    print("oneDNN ISA: \(isa); channel block: \(ChannelBlock.width) (ONEDNN_MAX_CPU_ISA=\(InstructionSetCheck.cap ?? "unset"))")
    #expect(ChannelBlock.width == (isa.hasPrefix("AVX-512") ? 16 : 8), "block \(ChannelBlock.width) on \(isa)")
    if let cap = InstructionSetCheck.cap?.uppercased(), let expected = InstructionSetCheck.capNames[cap] {
      // A cap at or below the CPU's own ISA is what oneDNN runs; a cap above it changes nothing.
      let order = ["SSE4.1", "AVX", "AVX2", "AVX-512"]
      let running = order.lastIndex { isa.hasPrefix($0) } ?? -1
      #expect(running <= order.firstIndex(of: expected)!, "asked for \(cap), oneDNN runs \(isa)")
    }
  }

  @Test("no op-fixture network runs reference code, forward or backward")
  func opFixturesUseOptimisedKernels() throws {
    var findings: [String] = []
    for fixture in try OpFixtures.cases() {
      let network = try ONNXNetworkLoader.load(contentsOf: OpFixtures.file("\(fixture.name).onnx"))
      let input = try NPYFile.read(contentsOf: OpFixtures.file("\(fixture.name).input.npy"))
      let found = try auditedRun(network, input: Tensor(shape: input.shape, values: input.values))
      findings += found.map { "\(fixture.name): \($0)" }
    }
    #expect(findings.isEmpty, "on \(ChannelBlock.instructionSet):\n\(findings.joined(separator: "\n"))")
  }

  /// The models that ship in Models/ (present in every clone, so CI audits them without ../shared).
  static let bundledModels = ["efficientnet-lite0.onnx", "squeezenet1.1.onnx"]

  @Test("no bundled model runs reference code, forward or backward, at batch 2", arguments: bundledModels)
  func bundledModelsUseOptimisedKernels(_ file: String) throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Models/\(file)")
    let network = try ONNXNetworkLoader.load(contentsOf: url)
    var random = SeededRandom(seed: 1)
    let input = Tensor(shape: [2, 3, 224, 224], values: (0..<(2 * 3 * 224 * 224)).map { _ in Float(random.normal()) })
    let findings = try auditedRun(network, input: input)
    #expect(findings.isEmpty, "\(file) on \(ChannelBlock.instructionSet):\n\(findings.map(\.description).joined(separator: "\n"))")
  }

  @Test("no shared model runs reference code, forward or backward, at batch 1 and 2",
        .enabled(if: SharedFolder.isPresent, "../shared is absent"), arguments: SharedModel.all)
  func sharedModelsUseOptimisedKernels(_ model: SharedModel) throws {
    let network = try ONNXNetworkLoader.load(contentsOf: SharedFolder.models.appendingPathComponent(model.modelFile))
    let single = try SharedReference.input(in: SharedFolder.reference.appendingPathComponent(model.referenceFolder).appendingPathComponent("chelsea"))
    var findings = try auditedRun(network, input: single)
    if SharedModel.variableBatch.contains(where: { $0.modelFile == model.modelFile }) {
      findings += try auditedRun(network, input: Tensor.batch([single.item(0), single.item(0)]))
    }
    #expect(findings.isEmpty, "\(model.modelFile) on \(ChannelBlock.instructionSet):\n\(findings.map(\.description).joined(separator: "\n"))")
  }
}

/// The kernel audit again in child processes of this test binary, one per `ONEDNN_MAX_CPU_ISA` cap below
/// the native ISA (oneDNN reads the cap once per process, so each ISA needs its own process).
@Suite("oneDNN kernels under every lower ISA cap", .enabled(if: InstructionSetCheck.cap == nil, "already running under a cap"))
struct KernelCapTests {
  static let capsBelowNative: [(cap: String, name: String)] = {
    let order: [(cap: String, name: String)] = [("SSE41", "SSE4.1"), ("AVX", "AVX"), ("AVX2", "AVX2"), ("AVX512_CORE", "AVX-512")]
    let native = order.lastIndex { ChannelBlock.instructionSet.hasPrefix($0.name) } ?? 0
    return Array(order[..<native])
  }()

  @Test("no shared model and no op-fixture network runs reference code under any lower cap", arguments: capsBelowNative.map(\.cap))
  func auditUnderCap(_ cap: String) throws {
    let child = Process()
    child.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    child.arguments = ["--testing-library", "swift-testing", "--filter", "KernelAuditTests"]
    child.environment = ProcessInfo.processInfo.environment.merging(["ONEDNN_MAX_CPU_ISA": cap]) { $1 }
    let output = Pipe()
    child.standardOutput = output
    child.standardError = output
    try child.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    child.waitUntilExit()
    let name = try #require(Self.capsBelowNative.first { $0.cap == cap }?.name)
    #expect(text.contains("oneDNN ISA: \(name)"), "the child did not run \(name):\n\(text.suffix(2000))")
    #expect(text.contains("passed after") && !text.contains("failed after"), "kernel audit under \(cap):\n\(text.suffix(4000))")
    #expect(child.terminationStatus == 0, "kernel audit under \(cap) exited \(child.terminationStatus)")
  }
}
