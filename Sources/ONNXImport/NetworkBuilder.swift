import Engine
import ONNXFormat

/// Turns each ONNX node into an engine op through the builder registered for its type, in one pass
/// in topological order: a node whose inputs are all constant, or a `Shape` of a tensor whose shape is
/// inferred by then, is evaluated at load time instead (TorchScript exports compute reshape targets
/// and attention scales from `Shape`); every other node becomes an op, and its output shapes are
/// inferred at two batch sizes (`BatchTracking`) so reshape targets can follow the batch.
///
/// A reshape whose batch may sit in either of two target dimensions (the batch between two merged
/// factors, [T, N, C] -> [T·N, C] or [T, N·C]) takes the preferred one; when shape inference at the
/// second batch size then fails downstream (a Gemm whose weights fix C), the pass is repeated with
/// the other choice for the nearest such reshape before the failure, a few times at most. Choices
/// hold for every reshape of the same input shape and target (the same layer in each block).
struct NetworkBuilder {
  let graph: ONNXGraph
  /// Constant operands as engine tensors, converted once for all passes.
  private let tensors = TensorCache()

  init(graph: ONNXGraph) { self.graph = graph }

  /// One pass's network, the first node whose shape inference failed at the second batch size (by
  /// index), and the reshapes that had more than one place for the batch.
  private struct Pass {
    let network: Network
    let batchFailure: Int?
    let ambiguous: [(index: Int, signature: String, candidates: Int)]
  }

  func build() throws -> Network {
    var choices: [String: Int] = [:]
    var best = try pass(choices)
    var passes = 1
    improving: while let failure = best.batchFailure, passes < 12 {
      for reshape in best.ambiguous.reversed() where reshape.index < failure {
        for choice in ((choices[reshape.signature] ?? 0) + 1)..<max(reshape.candidates, 1) {
          var trial = choices
          trial[reshape.signature] = choice
          let attempt = try pass(trial)
          passes += 1
          if (attempt.batchFailure ?? .max) > failure {
            (best, choices) = (attempt, trial)
            continue improving
          }
          if passes >= 12 { break improving }
        }
      }
      break
    }
    return best.network
  }

  private func pass(_ choices: [String: Int]) throws -> Pass {
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
    var ambiguous: [(index: Int, signature: String, candidates: Int)] = []
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
      // A reshape's choice is keyed by its input shape and target.
      let signature = node.opType == "Reshape"
        ? "\(node.inputs.first.flatMap { tracking.shapes0[$0] } ?? []) -> \(node.inputs.dropFirst().first.flatMap { constants[$0]?.intValues } ?? [])"
        : ""
      let context = NodeContext(node: node, graph: graph, constants: constants, tracking: tracking, batchChoice: choices[signature] ?? 0)
      let built: BuiltOp
      do {
        built = try builder(context)
      } catch let error as EngineError {  // an op refusing its attributes: say which node
        throw context.error(error.description)
      }
      if built.batchCandidates > 1 { ambiguous.append((nodes.count, signature, built.batchCandidates)) }
      // Constant operands the op reads at run time become network constants.
      for name in built.inputs where !name.isEmpty {
        if let constant = constants[name] { runtimeConstants[name] = tensors.tensor(name, constant) }
      }
      let outputs = Array(node.outputs.prefix(built.outputCount))
      for extra in node.outputs.dropFirst(built.outputCount) where !extra.isEmpty && graph.nodes.contains(where: { $0.inputs.contains(extra) }) {
        throw ONNXImportError("node '\(node.name)' (\(node.opType)): its optional output '\(extra)' is used, which ConvLens does not support")
      }
      if inferable {
        try tracking.record(built.op, node: node.name, inputs: built.inputs, outputs: outputs, override: built.batchAxis,
                            index: nodes.count)
      }
      nodes.append(Node(name: node.name, op: built.op, inputs: built.inputs, outputs: outputs))
    }
    let outputs = graph.outputs.map(\.name)
    for output in outputs where constants[output] != nil {
      throw ONNXImportError("graph output '\(output)' is a constant; ConvLens needs outputs computed from the input")
    }
    let network = try Network(nodes: nodes, inputName: input.name, outputNames: outputs, constants: runtimeConstants,
                              declaredInputShape: declaredShape, fixedBatch: inferable ? tracking.fixedBatch(outputs: outputs) : nil)
    return Pass(network: network, batchFailure: tracking.firstFailure, ambiguous: ambiguous)
  }
}

/// Engine tensors of constant operands by name, shared by a build's passes (a name always holds
/// the same constant: folding does not depend on the reshape choices).
private final class TensorCache {
  private var tensors: [String: Tensor] = [:]

  func tensor(_ name: String, _ constant: ONNXConstant) -> Tensor {
    if let known = tensors[name] { return known }
    let tensor = Tensor(shape: constant.shape, values: constant.floatValues)
    tensors[name] = tensor
    return tensor
  }
}
