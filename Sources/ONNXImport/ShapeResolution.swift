import Engine
import ONNXFormat

/// TorchScript exports of `x.view(x.size(0), -1)` compute reshape targets at run time:
/// Shape(activation) -> Gather -> Unsqueeze -> Concat -> Reshape. The file format's folder can only
/// fold `Shape` of tensors whose shape the file declares; for the others, the engine infers the
/// shape of the part of the network before each `Shape` node, and the graph is folded again.
enum ShapeResolution {
  static func resolve(_ graph: ONNXGraph) throws -> ONNXGraph {
    var graph = graph
    guard let input = graph.inputs.first, input.dims.allSatisfy({ $0 != nil }) else { return graph }
    let inputShape = input.dims.map { $0 ?? 1 }
    var attempts = 0
    while let index = graph.nodes.firstIndex(where: { $0.opType == "Shape" && $0.domain.isEmpty }), attempts < 64 {
      attempts += 1
      let shapeNode = graph.nodes[index]
      guard let source = shapeNode.inputs.first else { break }
      var prefix = graph
      prefix.nodes = Array(graph.nodes[..<index])
      prefix.outputs = [ONNXValueInfo(name: source, dims: [])]
      let network = try NetworkBuilder(graph: prefix).build()
      let shapes = try network.shapes(forInput: inputShape)
      guard let known = shapes[source] else { break }
      let before = graph.nodes.count
      graph = try graph.refolded(knownShapes: [source: known])
      if graph.nodes.count == before { break }
    }
    return graph
  }
}
