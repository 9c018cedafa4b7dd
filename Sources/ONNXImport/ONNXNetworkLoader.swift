import Engine
import Foundation
import ONNXFormat

/// Errors met while turning an ONNX graph into an engine network (unsupported ops, non-constant
/// weights, ...). One line each, naming the node and op.
public struct ONNXImportError: Error, CustomStringConvertible, Sendable {
  public let description: String
  public init(_ description: String) { self.description = description }
}

/// Loads an ONNX model file into an engine `Network`.
public enum ONNXNetworkLoader {
  /// Reads `url` (and its external data), folds constants, and builds the network.
  public static func load(contentsOf url: URL) throws -> Network {
    let graph = try ONNXFileLoader.load(contentsOf: url)
    do {
      return try NetworkBuilder(graph: try ShapeResolution.resolve(graph)).build()
    } catch let error as ONNXImportError {
      throw ONNXImportError("\(url.lastPathComponent): \(error.description)")
    } catch let error as EngineError {
      throw ONNXImportError("\(url.lastPathComponent): \(error.description)")
    }
  }

  /// Builds a network from an already loaded graph.
  public static func network(from graph: ONNXGraph) throws -> Network {
    try NetworkBuilder(graph: try ShapeResolution.resolve(graph)).build()
  }

  /// Op types the importer supports, sorted.
  public static var supportedOps: [String] { OpBuilders.table.keys.sorted() }
}

/// Turns each ONNX node into an engine op through the builder registered for its type.
struct NetworkBuilder {
  let graph: ONNXGraph

  func build() throws -> Network {
    guard graph.inputs.count == 1, let input = graph.inputs.first else {
      let names = graph.inputs.map(\.name).joined(separator: ", ")
      throw ONNXImportError("ConvLens runs models with exactly one image input; this one has \(graph.inputs.count) (\(names))")
    }
    let declaredShape = input.dims.map { $0 ?? -1 }
    var nodes: [Node] = []
    var runtimeConstants: [String: Tensor] = [:]
    for node in graph.nodes {
      guard node.domain.isEmpty else {
        throw ONNXImportError("node '\(node.name)' uses op '\(node.domain).\(node.opType)' from a custom domain; supported: the default ONNX domain")
      }
      guard let builder = OpBuilders.table[node.opType] else {
        throw ONNXImportError("node '\(node.name)' uses op '\(node.opType)' (opset \(graph.opsetVersion)), which ConvLens does not support; supported ops: \(ONNXNetworkLoader.supportedOps.joined(separator: ", "))")
      }
      let context = NodeContext(node: node, graph: graph, declaredBatch: declaredShape.first ?? -1)
      let built = try builder(context)
      // Constant operands the op reads at run time become network constants.
      for name in built.inputs where !name.isEmpty {
        if let constant = graph.constants[name] {
          runtimeConstants[name] = Tensor(shape: constant.shape, values: constant.floatValues)
        }
      }
      let outputs = Array(node.outputs.prefix(built.outputCount))
      for extra in node.outputs.dropFirst(built.outputCount) where !extra.isEmpty && graph.nodes.contains(where: { $0.inputs.contains(extra) }) {
        throw ONNXImportError("node '\(node.name)' (\(node.opType)): its optional output '\(extra)' is used, which ConvLens does not support")
      }
      nodes.append(Node(name: node.name, op: built.op, inputs: built.inputs, outputs: outputs))
    }
    let outputs = graph.outputs.map(\.name)
    for output in outputs where graph.constants[output] != nil {
      throw ONNXImportError("graph output '\(output)' is a constant; ConvLens needs outputs computed from the input")
    }
    return try Network(nodes: nodes, inputName: input.name, outputNames: outputs, constants: runtimeConstants,
                       declaredInputShape: declaredShape)
  }
}

/// What a builder returns: the op, the tensor names it reads at run time, and how many outputs it makes.
struct BuiltOp {
  let op: any Op
  let inputs: [String]
  var outputCount: Int = 1
}
