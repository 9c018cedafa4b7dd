// Every way loading an ONNX file can fail, each described in one line that names the file, the
// tensor or node concerned, what is wrong and what was expected.

public struct ONNXFormatError: Error, CustomStringConvertible, Equatable {
  public enum Kind: Sendable, Equatable {
    case fileNotFound
    case unreadableFile(reason: String)
    case fileTooLarge(bytes: Int, limit: Int)
    case notProtobuf(reason: String)
    case noGraph
    case emptyGraph
    case missingDefaultOpset
    case unsupportedOpset(version: Int, supported: ClosedRange<Int>)
    case unsupportedFeature(String)
    case negativeDimension(tensor: String, dims: [Int64])
    case elementCountOverflow(tensor: String, dims: [Int64])
    case tooManyElements(tensor: String, count: Int, limit: Int)
    case dataSizeMismatch(tensor: String, field: String, expected: Int, actual: Int)
    case unsupportedDataType(tensor: String, typeName: String)
    case externalDataWithoutFolder(tensor: String)
    case externalDataBadEntry(tensor: String, key: String, value: String)
    case externalDataEscapesFolder(tensor: String, location: String)
    case externalDataMissing(tensor: String, location: String)
    case externalDataOutOfRange(tensor: String, location: String, offset: Int, length: Int, fileSize: Int)
    case unsupportedAttribute(node: String, attribute: String, typeName: String)
    case missingInput(node: String, opType: String, tensor: String)
    case missingGraphOutput(tensor: String)
    case cycle(node: String, opType: String)
    case duplicateOutput(tensor: String, producer: String)
    case foldingFailed(node: String, opType: String, reason: String)
    case nonFiniteWeights(tensor: String, index: Int, value: String)
    case emptyWeight(tensor: String, node: String, opType: String, shape: [Int])
  }

  public var kind: Kind
  /// The model file (or "in-memory model"); set by the loader for errors raised deeper down.
  public var file: String?

  public init(_ kind: Kind, file: String? = nil) {
    self.kind = kind
    self.file = file
  }

  public var description: String {
    let name = file ?? "ONNX model"
    switch kind {
    case .fileNotFound:
      return "\(name): file not found (expected an .onnx model file)"
    case .unreadableFile(let reason):
      return "\(name): cannot read the file (\(reason))"
    case .fileTooLarge(let bytes, let limit):
      return "\(name): file is \(bytes) bytes, larger than the limit of \(limit) bytes"
    case .notProtobuf(let reason):
      return "\(name) is not a valid ONNX model (protobuf decoding failed: \(reason))"
    case .noGraph:
      return "\(name) is not an ONNX model: it decodes but holds no graph"
    case .emptyGraph:
      return "\(name): the graph has no nodes (expected at least one operator)"
    case .missingDefaultOpset:
      return "\(name): opset_import declares no version for the default ONNX domain (expected opset 13...21)"
    case .unsupportedOpset(let version, let supported):
      return "\(name): opset \(version) of the default ONNX domain is not supported (supported: \(supported.lowerBound)...\(supported.upperBound)); re-export with opset_version in that range"
    case .unsupportedFeature(let what):
      return "\(name): \(what) is not supported"
    case .negativeDimension(let tensor, let dims):
      return "\(name): tensor '\(tensor)' has a negative dimension in shape \(dims)"
    case .elementCountOverflow(let tensor, let dims):
      return "\(name): tensor '\(tensor)' has shape \(dims) whose element count overflows a 64-bit integer"
    case .tooManyElements(let tensor, let count, let limit):
      return "\(name): tensor '\(tensor)' has \(count) elements, more than the limit of \(limit)"
    case .dataSizeMismatch(let tensor, let field, let expected, let actual):
      return "\(name): tensor '\(tensor)' holds \(actual) \(field) but its shape needs \(expected)"
    case .unsupportedDataType(let tensor, let typeName):
      return "\(name): tensor '\(tensor)' has data type \(typeName), which is not supported (expected FLOAT, FLOAT16, BFLOAT16, DOUBLE, INT64, INT32, INT16, UINT16, INT8, UINT8 or BOOL)"
    case .externalDataWithoutFolder(let tensor):
      return "\(name): tensor '\(tensor)' stores its data in an external file, but the model was given without its folder; load it from a file URL"
    case .externalDataBadEntry(let tensor, let key, let value):
      return "\(name): tensor '\(tensor)' has an invalid external_data entry \(key)='\(value)' (expected a non-negative integer)"
    case .externalDataEscapesFolder(let tensor, let location):
      return "\(name): tensor '\(tensor)' refers to external data '\(location)' outside the model's folder; only relative paths inside it are allowed"
    case .externalDataMissing(let tensor, let location):
      return "\(name): tensor '\(tensor)' refers to external data file '\(location)', which does not exist beside the model"
    case .externalDataOutOfRange(let tensor, let location, let offset, let length, let fileSize):
      return "\(name): tensor '\(tensor)' reads \(length) bytes at offset \(offset) of '\(location)', which has only \(fileSize) bytes"
    case .unsupportedAttribute(let node, let attribute, let typeName):
      return "\(name): node '\(node)' has attribute '\(attribute)' of type \(typeName), which is not supported (expected INT, FLOAT, STRING, INTS, FLOATS, STRINGS or TENSOR)"
    case .missingInput(let node, let opType, let tensor):
      return "\(name): node '\(node)' (\(opType)) reads tensor '\(tensor)', which no node, initializer or graph input produces"
    case .missingGraphOutput(let tensor):
      return "\(name): graph output '\(tensor)' is produced by no node, initializer or graph input"
    case .cycle(let node, let opType):
      return "\(name): the graph has a cycle through node '\(node)' (\(opType)); ONNX graphs must be acyclic"
    case .duplicateOutput(let tensor, let producer):
      return "\(name): tensor '\(tensor)' is produced more than once (again by \(producer)); each tensor must have one producer"
    case .foldingFailed(let node, let opType, let reason):
      return "\(name): cannot evaluate constant node '\(node)' (\(opType)): \(reason)"
    case .nonFiniteWeights(let tensor, let index, let value):
      return "\(name): initializer '\(tensor)' holds \(value) at element \(index); the weights are corrupt (re-export the model)"
    case .emptyWeight(let tensor, let node, let opType, let shape):
      return "\(name): initializer '\(tensor)' of node '\(node)' (\(opType)) has shape \(shape) with no elements; a weight needs every dimension ≥ 1"
    }
  }
}
