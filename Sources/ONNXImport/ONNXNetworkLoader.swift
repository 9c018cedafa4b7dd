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

/// What a builder returns: the op, the tensor names it reads at run time, and how many outputs it makes.
struct BuiltOp {
  let op: any Op
  let inputs: [String]
  var outputCount: Int = 1
  /// Where the output holds the batch, when the builder decided it (a reshape that follows the batch).
  var batchAxis: BatchAxis? = nil
  /// How many places the batch could take (a reshape with more than one; `NodeContext.batchChoice` picks).
  var batchCandidates: Int = 0
}
