import ArgumentParser
import Engine
import Foundation
import Methods
import ModelLoading

/// `convlens inspect`: the layers of a model, their output tensors and shapes.
struct InspectCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inspect",
    abstract: "List a model's nodes: name, op, output tensor, output shape, parameters.")

  @Argument(help: ModelOptions.modelHelp)
  var model: String?

  @Option(name: .long, help: "Input shape to infer shapes for, e.g. 1,3,224,224 (default: the model's).")
  var inputShape: String?

  @Flag(name: .long, help: "Print JSON.")
  var json = false

  func run() throws {
    try reportingErrors {
      let loaded = try LoadedModel.load(path: model)
      let network = loaded.network
      let shape = try resolvedInputShape(network)
      let shapes = try network.shapes(forInput: shape)
      // The layer every layer method takes by default, and the attention blocks, as the methods read them.
      let graph = try TransformerGraph(network, inputShape: shape)
      let automatic = try? LayerChoice.auto.resolve(in: network, inputShape: shape)
      let rows = network.nodes.map { node in
        InspectRow(name: node.name, op: node.op.typeName, output: node.outputs.first ?? "",
                   shape: node.outputs.first.flatMap { shapes[$0] } ?? [], parameters: network.parameterCount(of: node))
      }
      let report = InspectReport(model: loaded.url.path, input: network.inputName, inputShape: shape,
                                 outputs: network.outputNames, nodes: rows, parameters: network.parameterCount,
                                 defaultCAMLayer: automatic?.name, defaultLayerRule: automatic?.rule,
                                 defaultLayerTokens: automatic?.grid.description, attention: graph.attention)
      if json {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
        return
      }
      let nameWidth = min(48, rows.map(\.name.count).max() ?? 4), outputWidth = min(48, rows.map(\.output.count).max() ?? 6)
      print("\(pad("node", nameWidth))  \(pad("op", 18))  \(pad("output", outputWidth))  \(pad("shape", 20))  params")
      for row in rows {
        let shapeText = row.shape.map(String.init).joined(separator: "×")
        print("\(pad(row.name, nameWidth))  \(pad(row.op, 18))  \(pad(row.output, outputWidth))  \(pad(shapeText, 20))  \(row.parameters)")
      }
      print("\(rows.count) nodes, \(network.parameterCount) parameters; input '\(network.inputName)' \(shape)")
      if let automatic {
        let grid = automatic.grid
        print("default CAM layer: \(automatic.name) [\(grid.channels), \(grid.height), \(grid.width)]"
              + (automatic.rule.map { " (\($0))" } ?? "") + (grid.description.map { "; \($0)" } ?? ""))
      } else {
        print("default CAM layer: none (no 4-D tensor with spatial size > 1, no attention blocks)")
      }
      if graph.attention.isEmpty {
        print("attention: none (no softmax over the last axis of [N, heads, T, T])")
      } else {
        print("attention (\(graph.attention.count) blocks, softmax probabilities \(shapes[graph.attention[0]] ?? [])):")
        for name in graph.attention { print("  \(name)") }
      }
    }
  }

  private func resolvedInputShape(_ network: Network) throws -> [Int] {
    if let inputShape {
      let parts = inputShape.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
      guard parts.count == 4, parts.allSatisfy({ ($0 ?? 0) > 0 }) else {
        throw CommandError("--input-shape must be four positive numbers like 1,3,224,224")
      }
      return parts.compactMap { $0 }
    }
    guard let declared = network.declaredInputShape, declared.count == 4 else { return [1, 3, 224, 224] }
    return declared.enumerated().map { $0.element > 0 ? $0.element : ($0.offset == 0 ? 1 : 224) }
  }

  private func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
  }
}

struct InspectRow: Encodable {
  let name: String, op: String, output: String, shape: [Int], parameters: Int
}

struct InspectReport: Encodable {
  let model: String, input: String, inputShape: [Int], outputs: [String], nodes: [InspectRow], parameters: Int
  let defaultCAMLayer: String?
  /// How `auto` chose it (transformers), and how its tokens read as maps.
  let defaultLayerRule: String?, defaultLayerTokens: String?
  /// The attention probabilities of each block.
  let attention: [String]
}
