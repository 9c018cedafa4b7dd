// The five real models in ../shared/models (beside the checkout). Skipped when that folder is
// absent: the project must not need it. Node counts are those listed in shared/models/PROVENANCE.md.

import Foundation
import Testing
@testable import ONNXFormat

enum SharedModels {
  /// <repo>/../shared/models, found from this file's path (<repo>/Tests/ONNXFormatTests/...).
  static let folder = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("shared/models")

  static var available: Bool {
    FileManager.default.fileExists(atPath: folder.appendingPathComponent("efficientnet-lite0.onnx").path)
  }

  static func load(_ name: String) throws -> ONNXGraph {
    try ONNXFileLoader.load(contentsOf: folder.appendingPathComponent(name))
  }
}

/// Op type -> number of nodes.
func opCounts(_ graph: ONNXGraph) -> [String: Int] {
  graph.nodes.reduce(into: [:]) { counts, node in counts[node.opType, default: 0] += 1 }
}

@Suite(.enabled(if: SharedModels.available, "../shared/models is not present beside the checkout"))
struct SharedModelTests {
  @Test func efficientNetLite0() throws {
    let graph = try SharedModels.load("efficientnet-lite0.onnx")
    #expect(graph.opsetVersion == 17)
    #expect(graph.nodes.count == 94)
    #expect(opCounts(graph) == ["Conv": 49, "Clip": 33, "Add": 9, "GlobalAveragePool": 1, "Flatten": 1, "Gemm": 1])
    #expect(graph.inputs == [ONNXValueInfo(name: "input", dims: [1, 3, 224, 224])])
    #expect(graph.outputs.map(\.name) == ["logits"])
    // ReLU6: every Clip's min and max are constants 0 and 6.
    for clip in graph.nodes where clip.opType == "Clip" {
      #expect(graph.constants[clip.inputs[1]]?.floatValues == [0])
      #expect(graph.constants[clip.inputs[2]]?.floatValues == [6])
    }
    // Every Conv weight is a 4-D constant.
    for conv in graph.nodes where conv.opType == "Conv" {
      #expect(graph.constants[conv.inputs[1]]?.shape.count == 4)
    }
  }

  @Test func efficientNetLite0WithPadNodes() throws {
    let graph = try SharedModels.load("efficientnet-lite0-with-pad-nodes.onnx")
    #expect(graph.nodes.count == 99)
    #expect(opCounts(graph)["Pad"] == 5)
    for pad in graph.nodes where pad.opType == "Pad" {
      let pads = graph.constants[pad.inputs[1]]
      #expect(pads?.isInteger == true)
      #expect(pads?.count == 8)
    }
  }

  @Test func efficientNetLite0DynamoExportWithExternalData() throws {
    let graph = try SharedModels.load("efficientnet-lite0-dynamo.onnx")
    #expect(graph.opsetVersion == 20)
    #expect(graph.nodes.count == 94)
    #expect(opCounts(graph) == ["Conv": 49, "Clip": 33, "Add": 9, "ReduceMean": 1, "Reshape": 1, "Gemm": 1])
    let reduceMean = try #require(graph.nodes.first { $0.opType == "ReduceMean" })
    #expect(graph.constants[reduceMean.inputs[1]]?.intValues == [-1, -2])
    let reshape = try #require(graph.nodes.first { $0.opType == "Reshape" })
    #expect(graph.constants[reshape.inputs[1]]?.intValues == [1, 1280])
    #expect(graph.nodes.contains { $0.outputs.contains("hardtanh_32") })

    // The classifier weights come from the external .onnx.data file; they must equal the
    // embedded raw_data of the opset-17 export of the same network.
    let reference = try SharedModels.load("efficientnet-lite0.onnx")
    let weight = try #require(graph.constants["_fc.weight"])
    #expect(weight.shape == [1000, 1280])
    #expect(weight == reference.constants["_fc.weight"])
    #expect(graph.constants["_fc.bias"] == reference.constants["_fc.bias"])
  }

  @Test func resnet18() throws {
    let graph = try SharedModels.load("resnet18-random.onnx")
    #expect(graph.nodes.count == 49)
    #expect(opCounts(graph) == ["Conv": 20, "Relu": 17, "Add": 8, "MaxPool": 1, "GlobalAveragePool": 1, "Flatten": 1, "Gemm": 1])
  }

  @Test func mobileNetV3SmallFoldsIdentitiesOnInitializers() throws {
    let graph = try SharedModels.load("mobilenet-v3-small-random.onnx")
    // 127 nodes in the file, of which 5 Identity nodes copy initializers and fold away.
    #expect(graph.nodes.count == 122)
    #expect(opCounts(graph)["Identity"] == nil)
    #expect(opCounts(graph)["HardSwish"] == 19)
    #expect(opCounts(graph)["Mul"] == 9)
    #expect(graph.constants["features.11.block.2.fc2.bias"] == graph.constants["features.10.block.2.fc2.bias"])
    #expect(graph.constants["features.11.block.2.fc2.bias"] != nil)
  }

  @Test func truncatedRealModelIsNotAValidModel() throws {
    let bytes = try Data(contentsOf: SharedModels.folder.appendingPathComponent("resnet18-random.onnx"))
    let error = formatError { _ = try ONNXFileLoader.load(data: bytes.prefix(bytes.count / 2), baseDirectory: nil) }
    #expect(error?.description.contains("is not a valid ONNX model (protobuf decoding failed") == true)
  }
}
