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
      return try NetworkBuilder(graph: graph).build()
    } catch let error as ONNXImportError {
      throw ONNXImportError("\(url.lastPathComponent): \(error.description)")
    } catch let error as EngineError {
      throw ONNXImportError("\(url.lastPathComponent): \(error.description)")
    }
  }

  /// Builds a network from an already loaded graph.
  public static func network(from graph: ONNXGraph) throws -> Network {
    try NetworkBuilder(graph: graph).build()
  }

  /// Op types the importer supports, sorted.
  public static var supportedOps: [String] { OpBuilders.table.keys.sorted() }
}

/// Turns each ONNX node into an engine op through the builder registered for its type, in one pass
/// in topological order: a node whose inputs are all constant, or a `Shape` of a tensor whose shape is
/// inferred by then, is evaluated at load time instead (TorchScript exports compute reshape targets
/// and attention scales from `Shape`); every other node becomes an op, and its output shapes are
/// inferred at two batch sizes (`BatchTracking`) so reshape targets can follow the batch.
struct NetworkBuilder {
  let graph: ONNXGraph

  func build() throws -> Network {
    guard graph.inputs.count == 1, let input = graph.inputs.first else {
      let names = graph.inputs.map(\.name).joined(separator: ", ")
      throw ONNXImportError("ConvLens runs models with exactly one image input; this one has \(graph.inputs.count) (\(names))")
    }
    let declaredShape = input.dims.map { $0 ?? -1 }
    var constants = graph.constants
    // Shape inference needs every dimension but the batch.
    let inferable = !input.dims.isEmpty && input.dims.dropFirst().allSatisfy { ($0 ?? 0) >= 1 }
    var tracking = BatchTracking(input: inferable ? input.name : "", declared: inferable ? declaredShape : [],
                                 constants: constants.mapValues(\.shape))
    var nodes: [Node] = []
    var runtimeConstants: [String: Tensor] = [:]
    for node in graph.nodes {
      guard node.domain.isEmpty else {
        throw ONNXImportError("node '\(node.name)' uses op '\(node.domain).\(node.opType)' from a custom domain; supported: the default ONNX domain")
      }
      if let folded = try ONNXGraph.foldedOutputs(of: node, constants: constants, shape: { tracking.shapes0[$0] }) {
        for (name, value) in zip(node.outputs, folded) where !name.isEmpty {
          constants[name] = value
          tracking.addConstant(name, shape: value.shape)
        }
        continue
      }
      guard let builder = OpBuilders.table[node.opType] else {
        throw ONNXImportError("node '\(node.name)' uses op '\(node.opType)' (opset \(graph.opsetVersion)), which ConvLens does not support; supported ops: \(ONNXNetworkLoader.supportedOps.joined(separator: ", "))")
      }
      let context = NodeContext(node: node, graph: graph, constants: constants, tracking: tracking)
      let built = try builder(context)
      // Constant operands the op reads at run time become network constants.
      for name in built.inputs where !name.isEmpty {
        if let constant = constants[name] {
          runtimeConstants[name] = Tensor(shape: constant.shape, values: constant.floatValues)
        }
      }
      let outputs = Array(node.outputs.prefix(built.outputCount))
      for extra in node.outputs.dropFirst(built.outputCount) where !extra.isEmpty && graph.nodes.contains(where: { $0.inputs.contains(extra) }) {
        throw ONNXImportError("node '\(node.name)' (\(node.opType)): its optional output '\(extra)' is used, which ConvLens does not support")
      }
      if inferable { try tracking.record(built.op, node: node.name, inputs: built.inputs, outputs: outputs, override: built.batchAxis) }
      nodes.append(Node(name: node.name, op: built.op, inputs: built.inputs, outputs: outputs))
    }
    let outputs = graph.outputs.map(\.name)
    for output in outputs where constants[output] != nil {
      throw ONNXImportError("graph output '\(output)' is a constant; ConvLens needs outputs computed from the input")
    }
    return try Network(nodes: nodes, inputName: input.name, outputNames: outputs, constants: runtimeConstants,
                       declaredInputShape: declaredShape, fixedBatch: inferable ? tracking.fixedBatch(outputs: outputs) : nil)
  }
}

/// What a builder returns: the op, the tensor names it reads at run time, and how many outputs it makes.
struct BuiltOp {
  let op: any Op
  let inputs: [String]
  var outputCount: Int = 1
  /// Where the output holds the batch, when the builder decided it (a reshape that follows the batch).
  var batchAxis: BatchAxis? = nil
}
