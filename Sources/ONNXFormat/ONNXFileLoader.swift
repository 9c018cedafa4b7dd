// Entry points: read an .onnx file (or its bytes), decode the ModelProto, check the opset, decode
// the initializers, convert and check the nodes, sort them topologically and fold constants.

import Foundation
import SwiftProtobuf

public enum ONNXFileLoader {
  /// Opsets of the default ONNX domain this loader (and the importer) accept.
  public static let supportedOpsets: ClosedRange<Int> = 13...21

  /// Loads the model at `url`; external data is read from files beside it.
  public static func load(contentsOf url: URL, limits: ONNXLoadLimits = .default) throws -> ONNXGraph {
    let fileName = url.path
    do {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
        throw ONNXFormatError(.fileNotFound)
      }
      let size = (try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0
      guard size <= limits.maxFileBytes else { throw ONNXFormatError(.fileTooLarge(bytes: size, limit: limits.maxFileBytes)) }
      let data: Data
      do {
        // Mapped: the protobuf decoder copies every bytes field out, so the mapping is not kept.
        data = try Data(contentsOf: url, options: .alwaysMapped)
      } catch {
        throw ONNXFormatError(.unreadableFile(reason: error.localizedDescription))
      }
      return try graph(from: data, baseDirectory: url.deletingLastPathComponent(), limits: limits)
    } catch var error as ONNXFormatError {
      if error.file == nil { error.file = fileName }
      throw error
    }
  }

  /// Loads a model from its bytes. External data is read relative to `baseDirectory`; with nil,
  /// a model that uses external data is refused.
  public static func load(data: Data, baseDirectory: URL?, limits: ONNXLoadLimits = .default) throws -> ONNXGraph {
    do {
      guard data.count <= limits.maxFileBytes else {
        throw ONNXFormatError(.fileTooLarge(bytes: data.count, limit: limits.maxFileBytes))
      }
      return try graph(from: data, baseDirectory: baseDirectory, limits: limits)
    } catch var error as ONNXFormatError {
      if error.file == nil { error.file = "in-memory ONNX model" }
      throw error
    }
  }

  private static func graph(from data: Data, baseDirectory: URL?, limits: ONNXLoadLimits) throws -> ONNXGraph {
    // An empty file decodes as an empty message: say so rather than report a missing opset.
    guard !data.isEmpty else { throw ONNXFormatError(.notProtobuf(reason: "the file is empty")) }
    let model: Onnx_ModelProto
    do {
      var options = BinaryDecodingOptions()
      options.discardUnknownFields = true
      model = try Onnx_ModelProto(serializedBytes: data, options: options)
    } catch {
      throw ONNXFormatError(.notProtobuf(reason: decodingFailure(error)))
    }
    // The graph first: bytes that merely happen to decode (the decoder skips fields of the wrong wire
    // type) have no graph, and "no graph" says more than "no opset".
    guard model.hasGraph else { throw ONNXFormatError(.noGraph) }
    let opset = try defaultOpset(of: model)
    let proto = model.graph
    guard !proto.node.isEmpty else { throw ONNXFormatError(.emptyGraph) }
    guard proto.sparseInitializer.isEmpty else { throw ONNXFormatError(.unsupportedFeature("a sparse initializer")) }

    let decoder = TensorDecoder(limits: limits, externalData: baseDirectory.map { ExternalDataReader(folder: $0) })
    var constants: [String: ONNXConstant] = [:]
    for tensor in proto.initializer {
      guard constants[tensor.name] == nil else {
        throw ONNXFormatError(.duplicateOutput(tensor: tensor.name, producer: "a second initializer"))
      }
      constants[tensor.name] = try decoder.decode(tensor)
    }

    let inputs = proto.input.filter { constants[$0.name] == nil }.map(\.plainValueInfo)
    let outputs = proto.output.map(\.plainValueInfo)
    var valueShapes: [String: [Int?]] = [:]
    for info in proto.valueInfo + proto.input + proto.output {
      if let dims = info.declaredDims { valueShapes[info.name] = dims }
    }

    let nodes = try uniquelyNamed(proto.node.enumerated().map { try decoder.node(from: $1, index: $0) })
    let available = Set(constants.keys).union(inputs.map(\.name))
    let ordered = try GraphOrdering.sorted(nodes, available: available)
    try WeightChecks.check(constants, nodes: nodes)
    let producedByNodes = Set(nodes.flatMap(\.outputs))
    for output in outputs where !available.contains(output.name) && !producedByNodes.contains(output.name) {
      throw ONNXFormatError(.missingGraphOutput(tensor: output.name))
    }
    let remaining = try ConstantFolder(limits: limits).fold(ordered, constants: &constants, valueShapes: valueShapes)

    return ONNXGraph(
      irVersion: Int(model.irVersion), opsetVersion: opset, producerName: model.producerName,
      inputs: inputs, outputs: outputs, valueShapes: valueShapes, constants: constants, nodes: remaining)
  }

  /// A readable reason for a SwiftProtobuf decoding error.
  private static func decodingFailure(_ error: Error) -> String {
    switch error as? BinaryDecodingError {
    case .truncated?: return "the data ends inside a field; the file is truncated"
    case .malformedProtobuf?: return "malformed protobuf data; the file is not a protobuf message"
    case .invalidUTF8?: return "a string field is not valid UTF-8"
    case .messageDepthLimit?: return "messages are nested deeper than the decoder's limit"
    default: return String(describing: error)
    }
  }

  /// The version of the default ("" or "ai.onnx") domain, checked against `supportedOpsets`.
  private static func defaultOpset(of model: Onnx_ModelProto) throws -> Int {
    guard let entry = model.opsetImport.first(where: { $0.domain.isEmpty || $0.domain == "ai.onnx" }) else {
      throw ONNXFormatError(.missingDefaultOpset)
    }
    let version = Int(entry.version)
    guard supportedOpsets.contains(version) else {
      throw ONNXFormatError(.unsupportedOpset(version: version, supported: supportedOpsets))
    }
    return version
  }

  /// Names are keys for the importer and the report: a synthesised name that collides with
  /// another node's gets a numeric suffix.
  private static func uniquelyNamed(_ nodes: [ONNXNode]) -> [ONNXNode] {
    var used = Set<String>()
    return nodes.map { node in
      var node = node
      if used.contains(node.name) {
        var suffix = 1
        while used.contains("\(node.name)_\(suffix)") { suffix += 1 }
        node.name = "\(node.name)_\(suffix)"
      }
      used.insert(node.name)
      return node
    }
  }
}
