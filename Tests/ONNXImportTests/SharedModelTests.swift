@testable import Engine
import Foundation
import Imaging
import ONNXImport
import Testing

// The real models of ../shared/models against PyTorch's logits in ../shared/reference (see its README.md
// for the folder -> model mapping and the conventions: input.npy [3, 224, 224] is the exact normalised
// input; logits.npy [1000] are torch's pre-softmax logits; params.json's `top1` is torch's top-1).

/// Where ../shared is: beside the repository root (this file is Tests/ONNXImportTests/SharedModelTests.swift).
enum SharedFolder {
  static let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let url = repositoryRoot.appendingPathComponent("../shared").standardizedFileURL
  static let models = url.appendingPathComponent("models")
  static let reference = url.appendingPathComponent("reference")

  /// ../shared is a developer/CI convenience, absent from a fresh clone: tests that need it are skipped
  /// (not failed) without it, so that the core suite stays self-contained.
  static var isPresent: Bool {
    FileManager.default.fileExists(atPath: reference.appendingPathComponent("README.md").path)
      && FileManager.default.fileExists(atPath: models.path)
  }
}

/// A model file of ../shared/models and the reference folder holding its expected outputs.
struct SharedModel: Sendable, CustomTestStringConvertible {
  let referenceFolder: String  // e.g. "efficientnet_lite0"
  let modelFile: String        // e.g. "efficientnet-lite0-dynamo.onnx"

  var testDescription: String { modelFile }

  /// The three models of the reference README, plus Lite0's two other exports (same weights, same references).
  static let all: [SharedModel] = [
    SharedModel(referenceFolder: "resnet18", modelFile: "resnet18-random.onnx"),
    SharedModel(referenceFolder: "mobilenet_v3_small_bncal", modelFile: "mobilenet-v3-small-random.onnx"),
    SharedModel(referenceFolder: "efficientnet_lite0", modelFile: "efficientnet-lite0.onnx"),
    SharedModel(referenceFolder: "efficientnet_lite0", modelFile: "efficientnet-lite0-dynamo.onnx"),
    SharedModel(referenceFolder: "efficientnet_lite0", modelFile: "efficientnet-lite0-with-pad-nodes.onnx"),
  ]
  /// The TorchScript exports, whose batch dimension may vary (the dynamo export reshapes to a constant
  /// [1, 1280], which pins its batch at 1).
  static let variableBatch = Array(all.prefix(3))
}

/// One model file checked against one reference folder on one image.
struct SharedReferenceCase: Sendable, CustomTestStringConvertible {
  let referenceFolder: String  // e.g. "efficientnet_lite0"
  let modelFile: String        // e.g. "efficientnet-lite0-dynamo.onnx"
  let image: String            // "chelsea" or "coffee"

  var testDescription: String { "\(modelFile) on \(image)" }
  var modelURL: URL { SharedFolder.models.appendingPathComponent(modelFile) }
  var imageFolder: URL { SharedFolder.reference.appendingPathComponent(referenceFolder).appendingPathComponent(image) }

  static let images = ["chelsea", "coffee"]
  static let all: [SharedReferenceCase] = SharedModel.all.flatMap { model in
    images.map { SharedReferenceCase(referenceFolder: model.referenceFolder, modelFile: model.modelFile, image: $0) }
  }
}

enum SharedReferenceError: Error, CustomStringConvertible {
  case unexpectedShape(URL, [Int], String)

  var description: String {
    switch self {
    case .unexpectedShape(let url, let shape, let expected):
      return "\(url.path): shape \(shape), expected \(expected)"
    }
  }
}

enum SharedReference {
  struct Params: Decodable { let top1: Int }

  /// input.npy [3, 224, 224] as a batch of one, [1, 3, 224, 224].
  static func input(in folder: URL) throws -> Tensor {
    let url = folder.appendingPathComponent("input.npy")
    let array = try NPYFile.read(contentsOf: url)
    guard array.shape.count == 3, array.shape[0] == 3 else {
      throw SharedReferenceError.unexpectedShape(url, array.shape, "[3, H, W]")
    }
    return Tensor(shape: [1] + array.shape, values: array.values)
  }

  static func logits(in folder: URL) throws -> [Float] {
    try NPYFile.read(contentsOf: folder.appendingPathComponent("logits.npy")).values
  }

  static func top1(in folder: URL) throws -> Int {
    try JSONDecoder().decode(Params.self, from: Data(contentsOf: folder.appendingPathComponent("params.json"))).top1
  }

  /// Index of the largest value (the first one on ties) and its margin over the runner-up.
  static func argmax(_ values: [Float]) -> (index: Int, margin: Float) {
    var best = 0
    for i in values.indices where values[i] > values[best] { best = i }
    let runnerUp = values.indices.filter { $0 != best }.map { values[$0] }.max() ?? -.infinity
    return (best, values[best] - runnerUp)
  }
}

@Suite("Shared reference models (../shared)", .enabled(if: SharedFolder.isPresent, "../shared is absent: reference-model checks skipped"))
struct SharedModelTests {
  @Test("logits match PyTorch within 1e-3 and the top-1 class agrees", arguments: SharedReferenceCase.all)
  func logitsMatchReference(_ reference: SharedReferenceCase) throws {
    let network = try ONNXNetworkLoader.load(contentsOf: reference.modelURL)
    let input = try SharedReference.input(in: reference.imageFolder)
    let expected = try SharedReference.logits(in: reference.imageFolder)
    let top1 = try SharedReference.top1(in: reference.imageFolder)

    let output = try network.forward(input).tensor(named: network.outputNames[0])  // [1, 1000]
    try #require(
      output.values.count == expected.count,
      "\(reference): output '\(network.outputNames[0])' has shape \(output.shape), reference logits \(expected.count) values")
    let difference = MaxAbsDifference(actual: output.values, expected: expected)
    #expect(
      difference.value <= 1e-3,
      "\(reference): max abs logit diff \(difference.value) at class \(difference.index): ours \(difference.actual), PyTorch \(difference.expected)")
    let ours = SharedReference.argmax(output.values)
    #expect(ours.index == top1, "\(reference): our top-1 is \(ours.index) (margin \(ours.margin)), PyTorch's \(top1)")
  }

  /// Forward-only runs fold activations and residual Adds into the convolutions and reuse buffers:
  /// same logits as the full run (both are checked against PyTorch above through the full run).
  @Test("the fused forward-only run gives the full run's logits", arguments: SharedReferenceCase.all)
  func fusedRunMatchesFullRun(_ reference: SharedReferenceCase) throws {
    let network = try ONNXNetworkLoader.load(contentsOf: reference.modelURL)
    let input = try SharedReference.input(in: reference.imageFolder)
    #expect(!network.fusionPlan.fusions.isEmpty, "\(reference): nothing fused")
    let full = try network.forward(input).output()
    let fused = try network.forward(input, mode: .fused).output()
    let difference = MaxAbsDifference(actual: fused.values, expected: full.values)
    #expect(difference.value <= 1e-5, "\(reference): fused vs full max abs diff \(difference.value) at class \(difference.index)")
  }

  /// The files fix the batch at 1, but dimension 0 is the batch: both images as one batch of 2 must give
  /// what each gives alone.
  @Test("a batch of both images gives the same logits as one image at a time", arguments: SharedModel.variableBatch)
  func batchOfTwoMatchesSingles(_ entry: SharedModel) throws {
    let network = try ONNXNetworkLoader.load(contentsOf: SharedFolder.models.appendingPathComponent(entry.modelFile))
    let folder = SharedFolder.reference.appendingPathComponent(entry.referenceFolder)
    let singles = try SharedReferenceCase.images.map { try SharedReference.input(in: folder.appendingPathComponent($0)) }
    let batch = Tensor(shape: [2] + singles[0].shape.dropFirst(), values: singles.flatMap(\.values))  // [2, 3, 224, 224]

    let batched = try network.forward(batch).tensor(named: network.outputNames[0])  // [2, 1000]
    try #require(batched.shape.first == 2, "\(entry.modelFile): batch-of-2 output has shape \(batched.shape)")
    let perImage = batched.values.count / 2
    for (i, single) in singles.enumerated() {
      let alone = try network.forward(single).tensor(named: network.outputNames[0])  // [1, 1000]
      try #require(alone.values.count == perImage, "\(entry.modelFile): single output \(alone.shape) vs batch \(batched.shape)")
      let inBatch = Array(batched.values[(i * perImage)..<((i + 1) * perImage)])
      let difference = MaxAbsDifference(actual: inBatch, expected: alone.values)
      #expect(
        difference.value <= 1e-4,
        "\(entry.modelFile) \(SharedReferenceCase.images[i]): batch vs single max abs diff \(difference.value) at class \(difference.index)")
    }
  }
}
