// ONNX rows of the bad-input table: each writes one broken model and runs `predict` on it.
import Foundation
@testable import ONNXFormat

enum BadModelCases {
  /// `predict --preset none --model MODEL small.png` (small.png is 12x10, the size `BadModels.conv` declares).
  static func predict(_ model: String) -> [String] {
    ["predict", "--preset", "none", "--model", model, CLI.fixture("small.png")]
  }

  /// A row that writes `model` as `file` and predicts with it.
  static func row(_ name: String, _ file: String, mentions: [String], _ model: @escaping @Sendable () -> Onnx_ModelProto) -> BadInputCase {
    BadInputCase(name, mentions: [file] + mentions) { scratch in
      predict(try BadModels.write(model(), file, in: scratch.folder))
    }
  }

  /// A row that writes raw `bytes` as the model file.
  static func bytes(_ name: String, _ file: String, mentions: [String], _ bytes: @escaping @Sendable () throws -> Data) -> BadInputCase {
    BadInputCase(name, mentions: [file] + mentions) { scratch in predict(try scratch.write(file, try bytes())) }
  }

  static let all: [BadInputCase] = [
    bytes("ONNX truncated in the middle is not a valid model", "truncated.onnx", mentions: ["not a valid ONNX model", "truncated"]) {
      let source = try Data(contentsOf: URL(fileURLWithPath: CLI.fixture("unsupported-op.onnx")))
      return source.prefix(source.count / 2)
    },
    bytes("ONNX of random bytes is refused naming the file", "random.onnx", mentions: ["ONNX"]) {
      var generator = SplitMix(seed: 7)
      return Data((0..<4096).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
    },
    bytes("ONNX with a wrong protobuf wire type for the graph field", "wiretype.onnx", mentions: ["holds no graph"]) {
      Data([0x08, 0x08, 0x38, 0x05])  // ir_version 8, then field 7 (graph, a message) as a varint
    },
    bytes("ONNX empty file says it is empty", "empty.onnx", mentions: ["the file is empty"]) { Data() },
    BadInputCase("bundled model name unknown lists the bundled models",
                 mentions: ["unknown bundled model 'squeezenet1.0'", "did you mean 'bundled:squeezenet1.1'", "bundled:efficientnet-lite0"]) { _ in
      predict("bundled:squeezenet1.0")
    },
    row("ONNX protobuf without a graph", "nograph.onnx", mentions: ["no graph"]) {
      var model = BadModels.conv()
      model.clearGraph()
      return model
    },
    row("ONNX opset outside 13-21 names the supported range", "opset7.onnx", mentions: ["opset 7", "13...21"]) {
      BadModels.model(BadModels.conv().graph, opset: 7)
    },
    row("ONNX cyclic graph names a node on the cycle", "cyclic.onnx", mentions: ["cycle", "relu"]) {
      BadModels.conv { graph in
        graph.node = [BadModels.node("Relu", ["b"], ["a"], name: "relu_a"), BadModels.node("Relu", ["a"], ["b"], name: "relu_b"),
                      BadModels.node("Add", ["x", "b"], ["y"], name: "add")]
      }
    },
    row("ONNX missing initializer names the tensor and its reader", "noweights.onnx", mentions: ["'w'", "'conv'"]) {
      BadModels.conv { graph in graph.initializer = [] }
    },
    row("ONNX dangling graph output name", "dangling.onnx", mentions: ["'ghost'"]) {
      BadModels.conv { graph in graph.output = [BadModels.valueInfo("ghost", [1, 2])] }
    },
    BadInputCase("ONNX unsupported op names node, op, opset and the supported list",
                 mentions: ["mystery_activation", "'Hardmax'", "opset 17", "supported ops", "Conv"]) { _ in
      predict(CLI.fixture("unsupported-op.onnx"))
    },
    row("ONNX external data escaping the model folder", "escape.onnx", mentions: ["'w'", "outside the model's folder"]) {
      BadModels.externalWeights(location: "../outside.bin")
    },
    row("ONNX external data at an absolute path", "absolute.onnx", mentions: ["'w'", "/etc/passwd", "outside the model's folder"]) {
      BadModels.externalWeights(location: "/etc/passwd")
    },
    row("ONNX external data file missing", "external.onnx", mentions: ["'w'", "weights.bin", "does not exist"]) {
      BadModels.externalWeights(location: "weights.bin")
    },
    row("ONNX negative dimension in an initializer", "negative.onnx", mentions: ["'w'", "negative dimension"]) {
      BadModels.conv(weightDims: [2, -3, 1, 1])
    },
    row("ONNX zero dimension in a convolution weight", "zero.onnx", mentions: ["'w'", "'conv'", "no elements"]) {
      BadModels.conv(weights: [], weightDims: [0, 3, 1, 1])
    },
    row("ONNX element count overflowing 64 bits", "overflow.onnx", mentions: ["'w'", "overflows"]) {
      BadModels.conv(weights: [], weightDims: [1 << 40, 1 << 40, 1, 1])
    },
    row("ONNX initializer over the element limit", "toomany.onnx", mentions: ["'w'", "more than the limit"]) {
      BadModels.conv(weights: [], weightDims: [1 << 20, 1 << 20, 1, 1])
    },
    row("ONNX initializer data count not matching its shape", "mismatch.onnx", mentions: ["'w'", "holds 5"]) {
      BadModels.conv(weights: [1, 2, 3, 4, 5])
    },
    row("ONNX initializer of an unsupported data type", "strings.onnx", mentions: ["'w'", "STRING"]) {
      BadModels.conv { graph in
        var tensor = Onnx_TensorProto()
        tensor.name = "w"
        tensor.dims = [1]
        tensor.dataType = 8
        tensor.stringData = [Data("text".utf8)]
        graph.initializer = [tensor]
      }
    },
    row("ONNX NaN weight is refused naming the initializer", "nan.onnx", mentions: ["'w'", "nan", "element 2"]) {
      BadModels.conv(weights: [0.1, 0.2, .nan, -0.1, -0.2, -0.3])
    },
    row("ONNX infinite weight is refused naming the initializer", "inf.onnx", mentions: ["'w'", "inf", "element 4"]) {
      BadModels.conv(weights: [0.1, 0.2, 0.3, -0.1, -.infinity, -0.3])
    },
    row("ONNX convolution weight of the wrong rank names the node", "rank.onnx", mentions: ["conv"]) {
      BadModels.conv(weightDims: [6])
    },
    row("ONNX attribute of an unsupported protobuf type names node and attribute", "graphattr.onnx", mentions: ["'conv'", "'body'", "GRAPH"]) {
      BadModels.conv { graph in
        var attribute = Onnx_AttributeProto()
        attribute.name = "body"
        attribute.type = .graph
        attribute.g = Onnx_GraphProto()
        graph.node[0].attribute = [attribute]
      }
    },
    BadInputCase("inspect of a truncated model names the file", mentions: ["cut.onnx", "truncated"]) { scratch in
      let source = try Data(contentsOf: URL(fileURLWithPath: CLI.fixture("unsupported-op.onnx")))
      return ["inspect", try scratch.write("cut.onnx", source.prefix(100))]
    },
    BadInputCase("explain with a NaN-weight model names the initializer", mentions: ["nan.onnx", "'w'"]) { scratch in
      let path = try BadModels.write(BadModels.conv(weights: [.nan, 0, 0, 0, 0, 0]), "nan.onnx", in: scratch.folder)
      return ["explain", "saliency", "--model", path, "--preset", "none", "--image", CLI.fixture("small.png"), "--out", scratch.url("map.png").path]
    },
    BadInputCase("ONNX path that is a folder", mentions: ["folder.onnx"]) { scratch in
      try FileManager.default.createDirectory(at: scratch.url("folder.onnx"), withIntermediateDirectories: true)
      return predict(scratch.url("folder.onnx").path)
    },
    BadInputCase("ONNX model file missing", mentions: ["no-such-model.onnx", "not found"]) { _ in
      predict("no-such-model.onnx")
    },
    BadInputCase("run over the memory budget names CONVLENS_MEMORY_BUDGET_MB", mentions: ["memory budget", "CONVLENS_MEMORY_BUDGET_MB"],
                 environment: ["CONVLENS_MEMORY_BUDGET_MB": "1"]) { _ in
      ["predict", CLI.root.appendingPathComponent("Reports/images/chelsea.png").path]
    },
  ]
}
