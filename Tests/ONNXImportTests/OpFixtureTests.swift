import Engine
import Foundation
import Imaging
import ONNXImport
import Testing

// Every op of the forward engine against onnxruntime: Fixtures/ops/ holds one tiny ONNX model per case,
// its input and onnxruntime's outputs (written by Scripts/make_op_fixtures.py; see Fixtures/README.md).

/// One entry of Fixtures/ops/cases.json.
struct OpFixtureCase: Decodable, Sendable, CustomTestStringConvertible {
  let name: String
  let op: String
  let opset: Int
  /// Largest max-abs difference from onnxruntime's output allowed.
  let tolerance: Float
  let description: String
  /// Number of graph outputs; output k is in CASE.output.npy (k = 0) or CASE.output{k}.npy.
  let outputs: Int

  var testDescription: String { "\(name) (\(op), opset \(opset)): \(description)" }
}

enum OpFixtureError: Error, CustomStringConvertible {
  case fixturesFolderMissing
  case manifestUnreadable(URL, String)

  var description: String {
    switch self {
    case .fixturesFolderMissing:
      return "test resources: no 'Fixtures' folder in Bundle.module; expected Tests/ONNXImportTests/Fixtures copied as a resource"
    case .manifestUnreadable(let url, let reason):
      return "\(url.path): cannot read the fixture manifest (\(reason)); regenerate with python3 Scripts/make_op_fixtures.py"
    }
  }
}

enum OpFixtures {
  /// Fixtures/ops inside the test bundle.
  static func directory() throws -> URL {
    guard let fixtures = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
      throw OpFixtureError.fixturesFolderMissing
    }
    return fixtures.appendingPathComponent("ops")
  }

  static func cases() throws -> [OpFixtureCase] {
    struct Manifest: Decodable { let cases: [OpFixtureCase] }
    let url = try directory().appendingPathComponent("cases.json")
    do {
      return try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: url)).cases
    } catch {
      throw OpFixtureError.manifestUnreadable(url, "\(error)")
    }
  }

  static func file(_ name: String) throws -> URL { try directory().appendingPathComponent(name) }

  /// CASE.output.npy for output 0, CASE.output1.npy ... after it.
  static func outputFileName(case name: String, output k: Int) -> String {
    k == 0 ? "\(name).output.npy" : "\(name).output\(k).npy"
  }
}

/// The largest |actual - expected| and where it is; NaN or infinity in either counts as an infinite difference.
struct MaxAbsDifference {
  let value: Float
  let index: Int
  let actual: Float
  let expected: Float

  init(actual: [Float], expected: [Float]) {
    // Callers check the shapes first; a length mismatch compares the common prefix only.
    var worst: Float = 0, worstIndex = 0
    for i in 0..<min(actual.count, expected.count) {
      let difference = abs(actual[i] - expected[i])
      let d = difference.isFinite ? difference : .infinity
      if d > worst { worst = d; worstIndex = i }
    }
    value = worst
    index = worstIndex
    self.actual = worstIndex < actual.count ? actual[worstIndex] : .nan
    self.expected = worstIndex < expected.count ? expected[worstIndex] : .nan
  }

  /// Flat row-major index as a multi-index, e.g. [1, 3, 0, 4] for shape [2, 6, 7, 9].
  static func multiIndex(_ flat: Int, shape: [Int]) -> [Int] {
    var rest = flat
    var result = [Int](repeating: 0, count: shape.count)
    for axis in shape.indices.reversed() where shape[axis] > 0 {
      result[axis] = rest % shape[axis]
      rest /= shape[axis]
    }
    return result
  }
}

@Test("engine output matches onnxruntime", arguments: try OpFixtures.cases())
func opFixtureMatchesOnnxRuntime(_ fixture: OpFixtureCase) throws {
  let network = try ONNXNetworkLoader.load(contentsOf: OpFixtures.file("\(fixture.name).onnx"))
  let input = try NPYFile.read(contentsOf: OpFixtures.file("\(fixture.name).input.npy"))
  let trace = try network.forward(Tensor(shape: input.shape, values: input.values))
  try #require(
    network.outputNames.count == fixture.outputs,
    "\(fixture.name): network has \(network.outputNames.count) outputs \(network.outputNames), onnxruntime gave \(fixture.outputs)")

  for k in 0..<fixture.outputs {
    let outputName = network.outputNames[k]
    let expected = try NPYFile.read(contentsOf: OpFixtures.file(OpFixtures.outputFileName(case: fixture.name, output: k)))
    let actual: Tensor = try trace.tensor(named: outputName)  // plain NCHW / row-major
    guard actual.shape == expected.shape, actual.values.count == expected.values.count else {
      Issue.record("\(fixture.name) output \(k) '\(outputName)': shape \(actual.shape) (\(actual.values.count) values), onnxruntime \(expected.shape)")
      continue
    }
    let difference = MaxAbsDifference(actual: actual.values, expected: expected.values)
    let at = MaxAbsDifference.multiIndex(difference.index, shape: expected.shape)
    #expect(
      difference.value <= fixture.tolerance,
      "\(fixture.name) output \(k) '\(outputName)': max abs diff \(difference.value) at index \(at) (flat \(difference.index)): engine \(difference.actual), onnxruntime \(difference.expected); tolerance \(fixture.tolerance)")
  }
}

@Test("the fixtures cover every op of the forward engine, and every model file has a manifest entry")
func opFixturesCoverEveryOp() throws {
  // The op lists of issue 2 (forward engine) and issue 13 (modern CNNs and transformers); a case's `op`
  // names the op under test ("network" for whole nets).
  let requiredOps: Set<String> = [
    "Conv", "BatchNormalization", "Relu", "Clip", "LeakyRelu", "PRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh",
    "Add", "Sub", "Mul", "Div", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Gemm", "MatMul",
    "Flatten", "Reshape", "Transpose", "Concat", "Split", "Slice", "Pad", "ReduceMean", "Softmax", "LogSoftmax",
    "Dropout", "Identity", "LRN",
    "LayerNormalization", "InstanceNormalization", "Erf", "Gelu", "Sqrt", "Pow", "Exp", "Log", "Abs", "Neg", "Reciprocal",
    "Softplus", "Ceil", "Floor", "Round", "Sign", "Min", "Max", "Sum", "Mod", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceL1",
    "ReduceL2", "ReduceSumSquare", "Resize", "Expand", "Squeeze", "Unsqueeze", "Gather", "Tile", "ScatterND", "Where", "Cast",
    "Equal", "Less", "LessOrEqual", "Greater", "GreaterOrEqual", "And", "Or", "Xor", "Not", "ConstantOfShape",
    "Einsum", "Sin", "Cos", "CumSum",
  ]
  let cases = try OpFixtures.cases()
  let covered = Set(cases.map(\.op))
  #expect(requiredOps.subtracting(covered).isEmpty, "ops without a fixture: \(requiredOps.subtracting(covered).sorted())")
  #expect(covered.contains("network"), "no whole-network fixture")

  let listed = Set(cases.map(\.name))
  let modelFiles = try FileManager.default.contentsOfDirectory(atPath: OpFixtures.directory().path)
    .filter { $0.hasSuffix(".onnx") }
    .map { String($0.dropLast(".onnx".count)) }
  #expect(modelFiles.count == listed.count, "\(modelFiles.count) .onnx files but \(listed.count) cases in cases.json")
  let unlisted = Set(modelFiles).subtracting(listed)
  #expect(unlisted.isEmpty, "models in Fixtures/ops without a cases.json entry: \(unlisted.sorted())")
}
