@testable import Engine
import Foundation
import Imaging
import ONNXImport
import Testing

// Gradient runs (`ForwardMode.gradients`: conv → Relu/Clip and conv → Add [→ Relu/Clip] fused, every
// other tensor kept) against keep-all runs on every op fixture and both bundled models, under the
// three ReLU rules: the gradients at the input, and at a tensor the run would have fused away but was
// asked to keep, must be the keep-all gradients (which the finite-difference, captum and
// pytorch-grad-cam tests check) to a relative error of 1e-5 on the op fixtures. On the bundled models
// the forward outputs must agree to 1e-5 and the gradients to 1e-2: a fused residual Add rounds
// conv + residual once where keep-all rounds the conv output first, and the 1-ulp differences (measured
// under the AVX2 cap on Lite0: 8e-6 at an Add of magnitude 71) move a few ReLU6 units sitting exactly at
// 0 or 6 across the boundary, which changes their gradient (measured 3e-3 of the largest |gradient|).
// A wrong mask, rule or fusion gives errors of order 1.

/// max |a − b| / max |b| (0 when both are zero).
private func relativeError(_ actual: Tensor, _ expected: Tensor) -> Float {
  guard actual.shape == expected.shape else { return .infinity }
  let scale = expected.values.reduce(0) { max($0, abs($1)) }
  let difference = zip(actual.values, expected.values).reduce(0) { max($0, abs($1.0 - $1.1)) }
  return difference == 0 ? 0 : difference / max(scale, .leastNormalMagnitude)
}

/// Compares gradient runs with keep-all runs on `network` for `input`: returns one line per mismatch.
/// The seed at output 0 is fixed pseudo-random; `extraTarget` is a tensor the gradient plan fuses away
/// (the first fused conv's output), passed in `keeping:` and differentiated to as well.
private func gradientModeMismatches(_ network: Network, input: Tensor, label: String,
                                    tolerance: Float = 1e-5) throws -> [String] {
  let output = network.outputNames[0]
  let keepAll = try network.forward(input)
  let outputShape = try keepAll.shape(of: output)
  var random = SeededRandom(seed: 3)
  let seed = Tensor(shape: outputShape, values: (0..<outputShape.reduce(1, *)).map { _ in Float(random.normal()) })
  let extraTarget = network.gradientFusionPlan.fusions.keys.min().map { network.nodes[$0].outputs[0] }
  let targets = [network.inputName] + (extraTarget.map { [$0] } ?? [])
  let gradients = try network.forward(input, mode: .gradients)
  let keeping = try network.forward(input, mode: .gradients, keeping: Set(targets))
  var mismatches: [String] = []
  let outputError = relativeError(try gradients.tensor(named: output), try keepAll.tensor(named: output))
  if !(outputError <= 1e-5) { mismatches.append("\(label): forward output relative error \(outputError)") }
  for relu in ReluRule.allCases {
    let rule = BackwardRule(relu: relu)
    // Some fixtures have no gradient (integer ops, an output not reached from the input): the gradient
    // run must then refuse too.
    let expected: [String: Tensor]
    do {
      expected = try keepAll.backward(seed: seed, at: output, to: targets, rule: rule)
    } catch {
      if (try? gradients.backward(seed: seed, at: output, to: [network.inputName], rule: rule)) != nil {
        mismatches.append("\(label) \(relu): keep-all backward threw (\(error)) but the gradient run did not")
      }
      continue
    }
    let fused = try gradients.backward(seed: seed, at: output, to: [network.inputName], rule: rule)
    let pairs = [(network.inputName, fused[network.inputName], "")]
      + targets.map { ($0, try? keeping.backward(seed: seed, at: output, to: targets, rule: rule)[$0], " (keeping \(targets))") }
    for (name, actual, note) in pairs {
      guard let actual, let reference = expected[name] else {
        mismatches.append("\(label) \(relu): no gradient at '\(name)'\(note)")
        continue
      }
      let error = relativeError(actual, reference)
      if !(error <= tolerance) { mismatches.append("\(label) \(relu): gradient at '\(name)'\(note) relative error \(error)") }
    }
  }
  return mismatches
}

@Suite("Gradient runs equal keep-all runs on the op fixtures and the bundled models")
struct GradientModeModelTests {
  @Test("every op fixture: the same input gradients under every ReLU rule")
  func opFixtures() throws {
    var mismatches: [String] = []
    var fused = 0
    for fixture in try OpFixtures.cases() {
      let network = try ONNXNetworkLoader.load(contentsOf: OpFixtures.file("\(fixture.name).onnx"))
      let input = try NPYFile.read(contentsOf: OpFixtures.file("\(fixture.name).input.npy"))
      if !network.gradientFusionPlan.fusions.isEmpty { fused += 1 }
      mismatches += try gradientModeMismatches(network, input: Tensor(shape: input.shape, values: input.values), label: fixture.name)
    }
    #expect(fused > 0, "no op fixture has a fusion the gradient run makes")
    #expect(mismatches.isEmpty, "\(mismatches.count) mismatches:\n\(mismatches.joined(separator: "\n"))")
  }

  @Test("the bundled models at batch 2: the same gradients at the input and at a kept conv output",
        arguments: KernelAuditTests.bundledModels)
  func bundledModels(_ file: String) throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Models/\(file)")
    let network = try ONNXNetworkLoader.load(contentsOf: url)
    #expect(!network.gradientFusionPlan.fusions.isEmpty, "\(file): the gradient run fuses nothing")
    var random = SeededRandom(seed: 1)
    let input = Tensor(shape: [2, 3, 224, 224], values: (0..<(2 * 3 * 224 * 224)).map { _ in Float(random.normal()) })
    let mismatches = try gradientModeMismatches(network, input: input, label: file, tolerance: 1e-2)
    #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
  }
}
