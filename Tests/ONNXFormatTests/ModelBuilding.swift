// Helpers that build small ModelProtos with the generated types, serialise them and write them to
// temporary folders, so every test states its model in a few lines.

import Foundation
import SwiftProtobuf
@testable import ONNXFormat

enum ModelBuilding {
  static func valueInfo(_ name: String, dims: [Int64?], elementType: Int32 = 1) -> Onnx_ValueInfoProto {
    var info = Onnx_ValueInfoProto()
    info.name = name
    var tensorType = Onnx_TypeProto.Tensor()
    tensorType.elemType = elementType
    var shape = Onnx_TensorShapeProto()
    shape.dim = dims.map { dim in
      var dimension = Onnx_TensorShapeProto.Dimension()
      if let dim { dimension.dimValue = dim } else { dimension.dimParam = "batch" }
      return dimension
    }
    tensorType.shape = shape
    info.type.tensorType = tensorType
    return info
  }

  static func node(
    _ opType: String, _ inputs: [String], _ outputs: [String], name: String = "",
    attributes: [Onnx_AttributeProto] = []
  ) -> Onnx_NodeProto {
    var node = Onnx_NodeProto()
    node.opType = opType
    node.input = inputs
    node.output = outputs
    node.name = name
    node.attribute = attributes
    return node
  }

  static func intAttribute(_ name: String, _ value: Int64) -> Onnx_AttributeProto {
    var attribute = Onnx_AttributeProto()
    attribute.name = name
    attribute.type = .int
    attribute.i = value
    return attribute
  }

  static func intsAttribute(_ name: String, _ values: [Int64]) -> Onnx_AttributeProto {
    var attribute = Onnx_AttributeProto()
    attribute.name = name
    attribute.type = .ints
    attribute.ints = values
    return attribute
  }

  static func tensorAttribute(_ name: String, _ tensor: Onnx_TensorProto) -> Onnx_AttributeProto {
    var attribute = Onnx_AttributeProto()
    attribute.name = name
    attribute.type = .tensor
    attribute.t = tensor
    return attribute
  }

  static func floatTensor(_ name: String, dims: [Int64], floatData: [Float]) -> Onnx_TensorProto {
    var tensor = Onnx_TensorProto()
    tensor.name = name
    tensor.dims = dims
    tensor.dataType = 1
    tensor.floatData = floatData
    return tensor
  }

  static func int64Tensor(_ name: String, dims: [Int64], values: [Int64]) -> Onnx_TensorProto {
    var tensor = Onnx_TensorProto()
    tensor.name = name
    tensor.dims = dims
    tensor.dataType = 7
    tensor.int64Data = values
    return tensor
  }

  /// A tensor of `dataType` whose values are the given little-endian bytes in raw_data.
  static func rawTensor(_ name: String, dims: [Int64], dataType: Int32, bytes: [UInt8]) -> Onnx_TensorProto {
    var tensor = Onnx_TensorProto()
    tensor.name = name
    tensor.dims = dims
    tensor.dataType = dataType
    tensor.rawData = Data(bytes)
    return tensor
  }

  /// A tensor whose data lives in an external file, with the given external_data entries.
  static func externalTensor(_ name: String, dims: [Int64], dataType: Int32, entries: [(String, String)]) -> Onnx_TensorProto {
    var tensor = Onnx_TensorProto()
    tensor.name = name
    tensor.dims = dims
    tensor.dataType = dataType
    tensor.dataLocation = .external
    tensor.externalData = entries.map { key, value in
      var entry = Onnx_StringStringEntryProto()
      entry.key = key
      entry.value = value
      return entry
    }
    return tensor
  }

  static func model(
    nodes: [Onnx_NodeProto], initializers: [Onnx_TensorProto] = [], inputs: [Onnx_ValueInfoProto],
    outputs: [Onnx_ValueInfoProto], valueInfo: [Onnx_ValueInfoProto] = [], opset: Int64 = 17
  ) -> Onnx_ModelProto {
    var graph = Onnx_GraphProto()
    graph.name = "test"
    graph.node = nodes
    graph.initializer = initializers
    graph.input = inputs
    graph.output = outputs
    graph.valueInfo = valueInfo
    var model = Onnx_ModelProto()
    model.irVersion = 8
    model.producerName = "ONNXFormatTests"
    var opsetEntry = Onnx_OperatorSetIdProto()
    opsetEntry.domain = ""
    opsetEntry.version = opset
    model.opsetImport = [opsetEntry]
    model.graph = graph
    return model
  }

  /// A model that adds the initializer `w` (of `dims`) to the graph input `x`: it keeps `w` alive
  /// as an initializer, so tests can look at how `w` decodes.
  static func modelReading(_ weight: Onnx_TensorProto, dims: [Int64]) -> Onnx_ModelProto {
    model(
      nodes: [node("Add", ["x", weight.name], ["y"], name: "add")], initializers: [weight],
      inputs: [valueInfo("x", dims: dims.map { $0 })], outputs: [valueInfo("y", dims: dims.map { $0 })])
  }

  static func serialized(_ model: Onnx_ModelProto) throws -> Data {
    try model.serializedBytes()
  }

  static func load(_ model: Onnx_ModelProto, limits: ONNXLoadLimits = .default) throws -> ONNXGraph {
    try ONNXFileLoader.load(data: serialized(model), baseDirectory: nil, limits: limits)
  }

  /// A fresh empty folder under the system temporary directory.
  static func temporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("onnxformat-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
  }

  /// The little-endian bytes of Float32 values, written out byte by byte (independent of the loader).
  static func littleEndianBytes(_ values: [Float]) -> [UInt8] {
    values.flatMap { value -> [UInt8] in
      let bits = value.bitPattern
      return [UInt8(bits & 0xFF), UInt8((bits >> 8) & 0xFF), UInt8((bits >> 16) & 0xFF), UInt8(bits >> 24)]
    }
  }
}

/// The ONNXFormatError kind a throwing call produced, or nil when it threw nothing or something else.
func formatError(_ body: () throws -> Void) -> ONNXFormatError? {
  do {
    try body()
    return nil
  } catch let error as ONNXFormatError {
    return error
  } catch {
    return nil
  }
}
