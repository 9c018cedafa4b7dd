// Small ONNX models for the bad-input table, built with the generated protobuf types so every
// broken model is stated in a few lines here instead of committed as a binary.
import Foundation
import SwiftProtobuf
@testable import ONNXFormat

enum BadModels {
  static func valueInfo(_ name: String, _ dims: [Int64]) -> Onnx_ValueInfoProto {
    var info = Onnx_ValueInfoProto()
    info.name = name
    var tensorType = Onnx_TypeProto.Tensor()
    tensorType.elemType = 1
    var shape = Onnx_TensorShapeProto()
    shape.dim = dims.map { dim in
      var dimension = Onnx_TensorShapeProto.Dimension()
      dimension.dimValue = dim
      return dimension
    }
    tensorType.shape = shape
    info.type.tensorType = tensorType
    return info
  }

  static func node(_ opType: String, _ inputs: [String], _ outputs: [String], name: String) -> Onnx_NodeProto {
    var node = Onnx_NodeProto()
    node.opType = opType
    node.input = inputs
    node.output = outputs
    node.name = name
    return node
  }

  static func floats(_ name: String, _ dims: [Int64], _ values: [Float]) -> Onnx_TensorProto {
    var tensor = Onnx_TensorProto()
    tensor.name = name
    tensor.dims = dims
    tensor.dataType = 1
    tensor.floatData = values
    return tensor
  }

  /// A valid model: a 1x1 convolution (3 -> 2 channels) on a [1, 3, 10, 12] input, then global
  /// average pooling and flatten, so `predict --preset none small.png` (12x10) runs it.
  static func conv(weights: [Float] = [0.1, 0.2, 0.3, -0.1, -0.2, -0.3], weightDims: [Int64] = [2, 3, 1, 1],
                   extra: (inout Onnx_GraphProto) -> Void = { _ in }) -> Onnx_ModelProto {
    var graph = Onnx_GraphProto()
    graph.name = "bad-input"
    graph.node = [node("Conv", ["x", "w"], ["c"], name: "conv"), node("GlobalAveragePool", ["c"], ["p"], name: "pool"),
                  node("Flatten", ["p"], ["y"], name: "flatten")]
    graph.initializer = [floats("w", weightDims, weights)]
    graph.input = [valueInfo("x", [1, 3, 10, 12])]
    graph.output = [valueInfo("y", [1, 2])]
    extra(&graph)
    return model(graph)
  }

  static func model(_ graph: Onnx_GraphProto, opset: Int64 = 17) -> Onnx_ModelProto {
    var model = Onnx_ModelProto()
    model.irVersion = 8
    model.producerName = "CLITests"
    var entry = Onnx_OperatorSetIdProto()
    entry.version = opset
    model.opsetImport = [entry]
    model.graph = graph
    return model
  }

  /// Writes `model` as `name` into `folder` and returns its path.
  static func write(_ model: Onnx_ModelProto, _ name: String, in folder: URL) throws -> String {
    let url = folder.appendingPathComponent(name)
    let bytes: Data = try model.serializedBytes()
    try bytes.write(to: url)
    return url.path
  }

  /// The convolution weight stored in an external file.
  static func externalWeights(location: String) -> Onnx_ModelProto {
    conv { graph in
      var tensor = Onnx_TensorProto()
      tensor.name = "w"
      tensor.dims = [2, 3, 1, 1]
      tensor.dataType = 1
      tensor.dataLocation = .external
      var entry = Onnx_StringStringEntryProto()
      entry.key = "location"
      entry.value = location
      tensor.externalData = [entry]
      graph.initializer = [tensor]
    }
  }
}
