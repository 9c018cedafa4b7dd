import Engine
import Foundation
import Imaging
@testable import Methods
import ONNXImport
import Testing

// The bundled, pretrained SqueezeNet 1.1 (Models/squeezenet1.1.onnx: ReLU and three 3 × 3 max-pools)
// against onnxruntime, captum and pytorch-grad-cam on the cat photo, from Fixtures/SqueezeNet (made by
// Scripts/make_squeezenet_fixtures.py; PROVENANCE.md there). It is the model on which deconvnet shows
// the image: its max-pooling switches are the only input-dependent part of deconvnet's backward pass,
// so this is also where a wrong tie-break in MaxPool's backward would show (a third of the windows
// after the first ReLUs are all zero; PyTorch routes their gradient to the first maximum).

@Suite("SqueezeNet 1.1 (pretrained, bundled) against onnxruntime, captum and pytorch-grad-cam", .serialized)
struct SqueezeNetReferenceTests {
  struct Cases: Decodable {
    struct CAMLayer: Decodable { let tensor: String }
    let target: Int
    let camLayer: CAMLayer
  }

  static let modelURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Models/squeezenet1.1.onnx")

  static func folder() throws -> URL {
    try OutsideReferences.folder().deletingLastPathComponent().appendingPathComponent("SqueezeNet")
  }

  static func array(_ file: String) throws -> NPYArray { try NPYFile.read(contentsOf: try folder().appendingPathComponent(file)) }

  static func load() throws -> (Cases, Network, Tensor) {
    let cases = try JSONDecoder().decode(Cases.self, from: Data(contentsOf: try folder().appendingPathComponent("cases.json")))
    let input = try array("input.npy")
    return (cases, try ONNXNetworkLoader.load(contentsOf: modelURL), Tensor(shape: input.shape, values: input.values))
  }

  @Test("the committed input is what the imagenet preset makes of chelsea.png, and the logits match onnxruntime")
  func inputAndLogits() throws {
    let (cases, network, input) = try Self.load()
    let picture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Reports/images/chelsea.png")
    let prepared = preprocess(try ImageDecoder.decode(contentsOf: picture), preset: .imagenet)
    let inputError = zip(prepared.values, input.values).map { abs($0 - $1) }.max() ?? .infinity
    #expect([1] + prepared.shape == input.shape && inputError <= 1e-5, "input: max abs error \(inputError)")

    let logits = try network.forward(input).output()
    let reference = try Self.array("logits.npy")
    let error = zip(logits.values, reference.values).map { abs($0 - $1) }.max() ?? .infinity
    let scale = reference.values.map { abs($0) }.max() ?? 1
    #expect(error <= 1e-4 * scale, "logits: max abs error \(error) (max |logit| \(scale))")
    let top = logits.values.indices.max { logits.values[$0] < logits.values[$1] }
    #expect(top == cases.target, "top-1 \(String(describing: top)), expected the fixture's target \(cases.target) (tiger cat)")
  }

  /// Each method against its reference file; saliency is |∂y/∂x| of the raw gradient captum saved.
  static let maps: [(method: String, file: String, absolute: Bool)] = [
    ("saliency", "saliency.npy", true), ("guided-backprop", "guided-backprop.npy", false), ("deconvnet", "deconvnet.npy", false),
  ]

  @Test("saliency, guided backprop and deconvnet match captum (deconvnet: same max-pool switches as PyTorch)",
        arguments: 0..<3)
  func pixelMap(_ index: Int) throws {
    let (method, file, absolute) = Self.maps[index]
    let (cases, network, input) = try Self.load()
    let output = try MethodRegistry.make(method, settings: [:])
      .run(MethodContext(network: network, images: input, targets: [.index(cases.target)]))
    guard case .pixelAttributions(let attributions) = output.payload else {
      Issue.record("\(method) returned \(output.payload), not pixel attributions")
      return
    }
    let ours = attributions.items.flatMap(\.values.values)
    let raw = try Self.array(file).values, reference = absolute ? raw.map { abs($0) } : raw
    try #require(ours.count == reference.count, "\(ours.count) values vs \(reference.count) in the reference")
    let agreement = Agreement(ours, reference, images: 1)
    print("[squeezenet] \(method) vs \(file): \(agreement)")
    // Float32 round-off through 26 convolutions stays near 1e-6 of the maximum; a wrong max-pool tie
    // rule moves deconvnet's map by 0.28 of it (r 0.92, cases.json "tieBreak").
    #expect(agreement.correlation >= 0.99999 && agreement.relativeError <= 1e-4, "\(method): \(agreement)")
  }

  @Test("Grad-CAM at the last fire module matches pytorch-grad-cam")
  func gradCAM() throws {
    let (cases, network, input) = try Self.load()
    let output = try MethodRegistry.make("grad-cam", settings: ["layer": .string(cases.camLayer.tensor)])
      .run(MethodContext(network: network, images: input, targets: [.index(cases.target)]))
    guard case .layerMaps(let maps) = output.payload else {
      Issue.record("grad-cam returned \(output.payload), not layer maps")
      return
    }
    let ours = maps.items.flatMap(\.map.values), reference = try Self.array("grad-cam.npy")
    try #require(ours.count == reference.values.count)
    let agreement = Agreement(ours, reference.values, images: 1)
    print("[squeezenet] grad-cam: \(agreement)")
    #expect(agreement.correlation >= 0.99999 && agreement.relativeError <= 1e-4, "\(agreement)")
  }
}
