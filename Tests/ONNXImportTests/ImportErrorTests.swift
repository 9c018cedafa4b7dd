import Engine
import ONNXFormat
import Testing

@testable import ONNXImport

// Bad models get one clear message naming the node, the op and what is supported; small graphs are
// built as plain `ONNXGraph` values (what ONNXFileLoader produces).

/// A graph reading input "x" of `inputShape` through `nodes` to output "y".
func testGraph(_ nodes: [ONNXNode], inputShape: [Int], constants: [String: ONNXConstant] = [:], opset: Int = 17) -> ONNXGraph {
  ONNXGraph(irVersion: 8, opsetVersion: opset, producerName: "ConvLens tests",
            inputs: [ONNXValueInfo(name: "x", dims: inputShape.map { Optional($0) })],
            outputs: [ONNXValueInfo(name: "y", dims: [])], valueShapes: [:], constants: constants, nodes: nodes)
}

func importError(_ graph: ONNXGraph) -> String? {
  do {
    _ = try ONNXNetworkLoader.network(from: graph)
    return nil
  } catch {
    return "\(error)"
  }
}

struct ImportErrorTests {
  let scale = ONNXConstant(shape: [8], floats: [Float](repeating: 1, count: 8))

  @Test func layerNormalizationAxisOutOfRange() throws {
    let graph = testGraph([ONNXNode(name: "norm", opType: "LayerNormalization", inputs: ["x", "scale"], outputs: ["y"],
                                    attributes: ["axis": .int(3)])],
                          inputShape: [1, 4, 8], constants: ["scale": scale])
    let message = try #require(importError(graph))
    #expect(message == "node 'norm' (LayerNormalization): axis 3 is out of range for an input of rank 3 (expected -3...2)")
    // The same node with axis -1 loads.
    var valid = graph
    valid.nodes[0].attributes["axis"] = .int(-1)
    #expect(importError(valid) == nil)
  }

  @Test func resizeWithAnUnsupportedMode() throws {
    let scales = ONNXConstant(shape: [4], floats: [1, 1, 2, 2])
    let graph = testGraph([ONNXNode(name: "up", opType: "Resize", inputs: ["x", "", "scales"], outputs: ["y"],
                                    attributes: ["mode": .string("cubic")])],
                          inputShape: [1, 3, 4, 4], constants: ["scales": scales])
    #expect(importError(graph) == "node 'up' (Resize): mode 'cubic' is not supported (supported: nearest, linear)")
    var coordinates = graph
    coordinates.nodes[0].attributes = ["mode": .string("linear"), "coordinate_transformation_mode": .string("tf_crop_and_resize")]
    #expect(importError(coordinates) == "node 'up' (Resize): coordinate_transformation_mode 'tf_crop_and_resize' is not supported "
      + "(supported: half_pixel, pytorch_half_pixel, align_corners, asymmetric, half_pixel_symmetric)")
    var channels = graph
    channels.nodes[0].attributes = ["mode": .string("nearest")]
    channels.constants["scales"] = ONNXConstant(shape: [4], floats: [1, 2, 2, 2])
    #expect(importError(channels) == "node 'up' (Resize): scale 2.0 on axis 1 is not supported; only the last two axes are resized")
  }

  @Test func unsupportedOpsKeepTheirMessage() throws {
    let graph = testGraph([ONNXNode(name: "shuffle", opType: "DepthToSpace", inputs: ["x"], outputs: ["y"],
                                    attributes: ["blocksize": .int(2)])],
                          inputShape: [1, 4, 4, 4], opset: 18)
    let message = try #require(importError(graph))
    #expect(message.hasPrefix("node 'shuffle' uses op 'DepthToSpace' (opset 18), which ConvLens does not support; supported ops: Abs, Add, And,"))
    for op in ["LayerNormalization", "Gelu", "Resize", "ScatterND", "Where", "Expand", "Gather", "ReduceL2", "Einsum"] {
      #expect(message.contains(" \(op),") || message.hasSuffix(" \(op)"), "the supported list lacks \(op)")
    }
  }

  @Test func gatherAtRunTimeIndicesIsRefused() throws {
    let graph = testGraph([
      ONNXNode(name: "index", opType: "Relu", inputs: ["x"], outputs: ["i"]),
      ONNXNode(name: "lookup", opType: "Gather", inputs: ["table", "i"], outputs: ["y"]),
    ], inputShape: [1, 2], constants: ["table": ONNXConstant(shape: [4, 3], floats: [Float](repeating: 0, count: 12))])
    #expect(importError(graph) == "node 'lookup' (Gather): indices must be constant (gathering at run-time indices is not supported)")
  }
}
