// Generated protobuf messages -> the plain graph types: nodes with their attributes, and the
// declared dims of graph inputs, outputs and value_info entries.

import Foundation

extension TensorDecoder {
  /// The node as an ONNXNode; `index` is its position in the file, used to name unnamed nodes.
  func node(from proto: Onnx_NodeProto, index: Int) throws -> ONNXNode {
    let name = proto.name.isEmpty ? "\(proto.opType)_\(index)" : proto.name
    var attributes: [String: ONNXAttribute] = [:]
    for attribute in proto.attribute {
      attributes[attribute.name] = try self.attribute(from: attribute, nodeName: name)
    }
    return ONNXNode(
      name: name, opType: proto.opType, domain: proto.domain == "ai.onnx" ? "" : proto.domain,
      inputs: proto.input, outputs: proto.output, attributes: attributes)
  }

  private func attribute(from proto: Onnx_AttributeProto, nodeName: String) throws -> ONNXAttribute {
    switch Self.effectiveType(of: proto) {
    case .int: return .int(Int(proto.i))
    case .float: return .float(proto.f)
    case .string: return .string(String(decoding: proto.s, as: UTF8.self))
    case .ints: return .ints(proto.ints.map { Int($0) })
    case .floats: return .floats(proto.floats)
    case .strings: return .strings(proto.strings.map { String(decoding: $0, as: UTF8.self) })
    case .tensor: return .tensor(try decode(proto.t, name: "\(nodeName).\(proto.name)"))
    case let other:
      throw ONNXFormatError(
        .unsupportedAttribute(node: nodeName, attribute: proto.name, typeName: "\(other)".uppercased()))
    }
  }

  /// The declared type, or for files that leave it UNDEFINED (old IR versions) the field that is set.
  private static func effectiveType(of proto: Onnx_AttributeProto) -> Onnx_AttributeProto.AttributeType {
    if proto.type != .undefined { return proto.type }
    if proto.hasF { return .float }
    if proto.hasI { return .int }
    if proto.hasS { return .string }
    if proto.hasT { return .tensor }
    if proto.hasG { return .graph }
    if !proto.floats.isEmpty { return .floats }
    if !proto.ints.isEmpty { return .ints }
    if !proto.strings.isEmpty { return .strings }
    return .undefined
  }
}

extension Onnx_ValueInfoProto {
  /// Declared dims (nil for symbolic or unknown ones), or nil when no tensor shape is declared.
  var declaredDims: [Int?]? {
    guard case .tensorType(let tensorType)? = type.value, tensorType.hasShape else { return nil }
    return tensorType.shape.dim.map { dimension -> Int? in
      if case .dimValue(let value)? = dimension.value, value >= 0 { return Int(value) }
      return nil
    }
  }

  var plainValueInfo: ONNXValueInfo {
    ONNXValueInfo(name: name, dims: declaredDims ?? [])
  }
}
