// Whole-graph loading: opset checks, inputs and outputs, node conversion, ordering, and the
// errors for broken files and broken wiring.

import Foundation
import Testing
@testable import ONNXFormat

struct GraphLoadingTests {
  typealias B = ModelBuilding

  /// x [1, 4] -> Relu -> Sigmoid -> y, with the nodes given in `order`.
  func reluSigmoidModel(opset: Int64 = 17) -> Onnx_ModelProto {
    B.model(
      nodes: [B.node("Relu", ["x"], ["r"], name: "relu"), B.node("Sigmoid", ["r"], ["y"])],
      initializers: [B.floatTensor("unused", dims: [1], floatData: [2])],
      inputs: [B.valueInfo("x", dims: [nil, 4]), B.valueInfo("unused", dims: [1])],
      outputs: [B.valueInfo("y", dims: [nil, 4])], opset: opset)
  }

  @Test func loadsInputsOutputsShapesAndNodes() throws {
    let graph = try B.load(reluSigmoidModel())
    #expect(graph.opsetVersion == 17)
    #expect(graph.irVersion == 8)
    #expect(graph.producerName == "ONNXFormatTests")
    // "unused" is an initializer listed among the inputs (IR < 4 style): not a real input.
    #expect(graph.inputs == [ONNXValueInfo(name: "x", dims: [nil, 4])])
    #expect(graph.outputs == [ONNXValueInfo(name: "y", dims: [nil, 4])])
    #expect(graph.valueShapes["x"]! == [nil, 4])
    #expect(graph.nodes.map(\.opType) == ["Relu", "Sigmoid"])
    #expect(graph.nodes.map(\.name) == ["relu", "Sigmoid_1"])
    #expect(graph.nodes[1].inputs == ["r"])
    #expect(graph.constants["unused"] == ONNXConstant(shape: [1], floats: [2]))
  }

  @Test func attributesKeepTheirTypes() throws {
    var model = reluSigmoidModel()
    var floatAttribute = Onnx_AttributeProto()
    floatAttribute.name = "alpha"
    floatAttribute.type = .float
    floatAttribute.f = 0.25
    var stringAttribute = Onnx_AttributeProto()
    stringAttribute.name = "mode"
    stringAttribute.type = .string
    stringAttribute.s = Data("constant".utf8)
    model.graph.node[0].attribute = [floatAttribute, stringAttribute, B.intsAttribute("pads", [1, 2]), B.intAttribute("axis", -1)]
    let node = try B.load(model).nodes[0]
    #expect(node.attributes["alpha"] == .float(0.25))
    #expect(node.attributes["mode"] == .string("constant"))
    #expect(node.attributes["pads"] == .ints([1, 2]))
    #expect(node.intAttribute("axis") == -1)
  }

  @Test func omittedOptionalInputsKeepTheirPosition() throws {
    let model = B.model(
      nodes: [B.node("Clip", ["x", "", "high"], ["y"], name: "clip")],
      initializers: [B.floatTensor("high", dims: [], floatData: [6])],
      inputs: [B.valueInfo("x", dims: [2])], outputs: [B.valueInfo("y", dims: [2])])
    let graph = try B.load(model)
    #expect(graph.nodes.first?.inputs == ["x", "", "high"])
    #expect(graph.constants["high"] == ONNXConstant(shape: [], floats: [6]))
  }

  @Test func graphValuedAttributesAreRefused() {
    var model = reluSigmoidModel()
    var branch = Onnx_AttributeProto()
    branch.name = "then_branch"
    branch.type = .graph
    branch.g = Onnx_GraphProto()
    model.graph.node[0].attribute = [branch]
    let error = formatError { _ = try B.load(model) }
    #expect(error?.kind == .unsupportedAttribute(node: "relu", attribute: "then_branch", typeName: "GRAPH"))
  }

  @Test(arguments: [12, 22])
  func opsetsOutside13To21AreRefused(opset: Int64) {
    let error = formatError { _ = try B.load(reluSigmoidModel(opset: opset)) }
    #expect(error?.kind == .unsupportedOpset(version: Int(opset), supported: 13...21))
    #expect(error?.description.contains("opset \(opset)") == true)
    #expect(error?.description.contains("13...21") == true)
  }

  @Test func nodesAreSortedTopologicallyKeepingFileOrderAmongReadyNodes() throws {
    // File order: d (needs b, c), b (needs a), a (needs x), c (needs x). Kahn with the smallest
    // file index first: a and c are ready at the start -> a (index 2), then b (1) becomes ready
    // and precedes c (3), then d.
    let model = B.model(
      nodes: [
        B.node("Add", ["b", "c"], ["d"], name: "d"), B.node("Relu", ["a"], ["b"], name: "b"),
        B.node("Relu", ["x"], ["a"], name: "a"), B.node("Relu", ["x"], ["c"], name: "c"),
      ],
      inputs: [B.valueInfo("x", dims: [2])], outputs: [B.valueInfo("d", dims: [2])])
    #expect(try B.load(model).nodes.map(\.name) == ["a", "b", "c", "d"])
  }

  @Test func aCycleIsReportedWithANodeOnIt() {
    // "after" reads from the cycle but is not on it; it comes first in the file.
    let model = B.model(
      nodes: [
        B.node("Relu", ["q"], ["y"], name: "after"), B.node("Add", ["x", "q"], ["p"], name: "first"),
        B.node("Relu", ["p"], ["q"], name: "second"),
      ],
      inputs: [B.valueInfo("x", dims: [2])], outputs: [B.valueInfo("y", dims: [2])])
    let error = formatError { _ = try B.load(model) }
    guard case .cycle(let node, _)? = error?.kind else {
      Issue.record("expected a cycle error, got \(String(describing: error))")
      return
    }
    #expect(["first", "second"].contains(node))
    #expect(error?.description.contains("cycle") == true)
  }

  @Test func aMissingInputNamesNodeOpAndTensor() {
    let model = B.model(
      nodes: [B.node("Add", ["x", "ghost"], ["y"], name: "adder")],
      inputs: [B.valueInfo("x", dims: [2])], outputs: [B.valueInfo("y", dims: [2])])
    let error = formatError { _ = try B.load(model) }
    #expect(error?.kind == .missingInput(node: "adder", opType: "Add", tensor: "ghost"))
    #expect(error?.description.contains("'ghost'") == true)
    #expect(error?.description.contains("'adder'") == true)
  }

  @Test func duplicateOutputsAreRefused() {
    let model = B.model(
      nodes: [B.node("Relu", ["x"], ["y"], name: "one"), B.node("Sigmoid", ["x"], ["y"], name: "two")],
      inputs: [B.valueInfo("x", dims: [2])], outputs: [B.valueInfo("y", dims: [2])])
    #expect(formatError { _ = try B.load(model) }?.kind == .duplicateOutput(tensor: "y", producer: "node 'two' (Sigmoid)"))
  }

  @Test func graphOutputsThatNothingProducesAreRefused() {
    let model = B.model(
      nodes: [B.node("Relu", ["x"], ["y"])],
      inputs: [B.valueInfo("x", dims: [2])], outputs: [B.valueInfo("z", dims: [2])])
    #expect(formatError { _ = try B.load(model) }?.kind == .missingGraphOutput(tensor: "z"))
  }

  @Test func truncatedBytesAreNotAValidModel() throws {
    let bytes = try B.serialized(reluSigmoidModel())
    let error = formatError { _ = try ONNXFileLoader.load(data: bytes.prefix(bytes.count / 2), baseDirectory: nil) }
    guard case .notProtobuf? = error?.kind else {
      Issue.record("expected a protobuf decoding error, got \(String(describing: error))")
      return
    }
    #expect(error?.description.hasPrefix("in-memory ONNX model is not a valid ONNX model (protobuf decoding failed: ") == true)
  }

  @Test func randomBytesInAFileAreRefusedNamingTheFile() throws {
    let folder = try B.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    // A fixed xorshift sequence, so the test is the same on every run.
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    let bytes = (0..<4096).map { _ -> UInt8 in
      state ^= state << 13
      state ^= state >> 7
      state ^= state << 17
      return UInt8(truncatingIfNeeded: state)
    }
    let url = folder.appendingPathComponent("noise.onnx")
    try Data(bytes).write(to: url)
    let error = formatError { _ = try ONNXFileLoader.load(contentsOf: url) }
    #expect(error != nil)
    #expect(error?.file == url.path)
    #expect(error?.description.hasPrefix(url.path) == true)
  }

  @Test func missingFileAndEmptyGraphAreNamed() throws {
    let absent = URL(fileURLWithPath: "/nonexistent-folder/model.onnx")
    let missing = formatError { _ = try ONNXFileLoader.load(contentsOf: absent) }
    #expect(missing?.kind == .fileNotFound)
    #expect(missing?.description == "/nonexistent-folder/model.onnx: file not found (expected an .onnx model file)")

    let empty = B.model(nodes: [], inputs: [B.valueInfo("x", dims: [2])], outputs: [B.valueInfo("x", dims: [2])])
    #expect(formatError { _ = try B.load(empty) }?.kind == .emptyGraph)
  }

  @Test func oversizedFilesAreRefused() throws {
    let bytes = try B.serialized(reluSigmoidModel())
    let folder = try B.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("model.onnx")
    try bytes.write(to: url)
    let tight = ONNXLoadLimits(maxFileBytes: 10, maxElements: 100)
    #expect(formatError { _ = try ONNXFileLoader.load(contentsOf: url, limits: tight) }?.kind
      == .fileTooLarge(bytes: bytes.count, limit: 10))
    #expect(try ONNXFileLoader.load(contentsOf: url).nodes.count == 2)
    let limits = ONNXLoadLimits(maxFileBytes: bytes.count - 1, maxElements: 100)
    #expect(formatError { _ = try ONNXFileLoader.load(data: bytes, baseDirectory: nil, limits: limits) }?.kind
      == .fileTooLarge(bytes: bytes.count, limit: bytes.count - 1))
  }
}
