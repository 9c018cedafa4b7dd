import Engine
import Foundation
import Imaging
@testable import Methods
import ONNXImport
import Testing

// Every decision method and the three ReLU rules against committed outside references: pytorch-grad-cam,
// captum and PyTorch autograd on two tiny random-weight networks (a depthwise/ReLU6 one and a residual
// one), made by Scripts/make_reference_fixtures.py; see Fixtures/OutsideReferences/PROVENANCE.md. Needs
// neither Python nor ../shared. Every case, its ConvLens settings and its reference file come from
// cases.json; the bounds below are ours.

/// Fixtures/OutsideReferences/cases.json.
struct OutsideReferences: Decodable {
  struct Model: Decodable {
    let name: String
    let onnx: String
    let input: String
    let logits: String
    /// The class every map explains (the same for each image of the batch).
    let target: Int
    /// ONNX tensor names: "cam" (the CAM layer) and "intermediate".
    let tensors: [String: String]
    /// Files of the PyTorch activations at those tensors.
    let activations: [String: String]
  }

  struct MapCase: Decodable, Sendable, CustomTestStringConvertible {
    let model: String
    let method: String
    let settings: [String: SettingValue]
    let reference: String
    let source: String
    /// SmoothGrad: the noise the reference used, [N, steps, C, H, W].
    let noise: String?
    var testDescription: String {
      let shown = settings.filter { $0.key != "layer" }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
      return "\(method) [\(shown.joined(separator: ", "))] on \(model) vs \(reference)"
    }
  }

  struct GradientCase: Decodable, Sendable, CustomTestStringConvertible {
    let model: String
    let rule: String
    /// The rule applies to Clip(0, 6) units too (`BackwardRule.appliesToClip`).
    let relu6: Bool
    /// "input", or a key of `Model.tensors`.
    let tensor: String
    let reference: String
    let source: String
    var testDescription: String { "\(rule) rule (relu6 \(relu6)) to the \(tensor) tensor of \(model)" }
  }

  let versions: [String: String]
  let models: [Model]
  let maps: [MapCase]
  let gradients: [GradientCase]

  static func folder() throws -> URL {
    let fixtures = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil),
                                "no Fixtures folder in the MethodsTests bundle (Package.swift copies Tests/MethodsTests/Fixtures)")
    return fixtures.appendingPathComponent("OutsideReferences")
  }

  static func load() throws -> OutsideReferences {
    try JSONDecoder().decode(OutsideReferences.self, from: Data(contentsOf: try folder().appendingPathComponent("cases.json")))
  }

  /// For test arguments; `casesCoverEveryMethod` fails if the file does not load.
  static let cases = try? load()

  static func array(_ file: String) throws -> NPYArray {
    try NPYFile.read(contentsOf: try folder().appendingPathComponent(file))
  }

  /// The model's entry, its network and its input batch [N, 3, H, W].
  static func model(_ name: String) throws -> (Model, Network, Tensor) {
    let model = try #require(try load().models.first { $0.name == name }, "no model '\(name)' in cases.json")
    let network = try ONNXNetworkLoader.load(contentsOf: try folder().appendingPathComponent(model.onnx))
    let input = try array(model.input)
    return (model, network, Tensor(shape: input.shape, values: input.values))
  }
}

/// How closely one map follows its reference, image by image (the worst image counts).
struct Agreement: CustomStringConvertible {
  /// The smallest Pearson r over the images.
  var correlation = 1.0
  /// The largest |ours − reference| and that divided by the image's max |reference|.
  var maxAbsError = 0.0
  var relativeError = 0.0

  /// `ours` and `reference` hold `images` equal-sized items one after the other.
  init(_ ours: [Float], _ reference: [Float], images: Int) {
    let size = reference.count / images
    for image in 0..<images {
      let a = Array(ours[image * size ..< (image + 1) * size]), b = Array(reference[image * size ..< (image + 1) * size])
      let error = zip(a, b).map { Double(abs($0 - $1)) }.max() ?? 0
      let scale = Double(b.map { abs($0) }.max() ?? 0)
      correlation = min(correlation, pearson(a, b))
      maxAbsError = max(maxAbsError, error)
      relativeError = max(relativeError, error / max(scale, 1e-30))
    }
  }

  var description: String {
    "r = \(String(format: "%.7f", correlation)), max abs error \(String(format: "%.2e", maxAbsError)) (\(String(format: "%.2e", relativeError)) of max |ref|)"
  }
}

@Suite("Outside references (pytorch-grad-cam, captum, PyTorch autograd) on committed tiny networks", .serialized)
struct OutsideReferenceTests {
  /// The 16 decision methods; each must have a case on both networks.
  static let decisionMethods: Set<String> = [
    "occlusion", "saliency", "deconvnet", "guided-backprop", "cam", "grad-cam", "grad-cam-plus-plus", "xgrad-cam",
    "hires-cam", "layer-cam", "score-cam", "ablation-cam", "eigen-cam", "guided-grad-cam", "smoothgrad",
    "integrated-gradients",
  ]

  /// Pearson r at least `correlation`, and max |ours − reference| at most `relative` · max |reference|.
  /// Every method is a deterministic formula of the same float32 network, so the bounds sit about ten
  /// times above float round-off (measured errors: PROVENANCE.md). A bug costs far more: Grad-CAM++ with
  /// ε 1e-7 or 0 instead of 1e-6 is 20-40 % off (r 0.984-0.998), occlusion leaving the edge uncovered
  /// 35 %, the trapezoid rule with captum's step 1/n 3 % (at r = 1.0000000: a scale r cannot see).
  static func bounds(_ method: String) -> (correlation: Double, relative: Double) {
    switch method {
    // Differences of nearly equal scores y(x) − y(occluded): float error grows relative to the map.
    case "occlusion": return (0.99999, 1e-3)
    default: return (0.99999, 2e-5)
    }
  }

  @Test("cases.json covers all 16 decision methods on both networks and the three ReLU rules with and without ReLU6")
  func casesCoverEveryMethod() throws {
    let references = try OutsideReferences.load()
    #expect(references.models.count == 2)
    for model in references.models {
      let methods = Set(references.maps.filter { $0.model == model.name }.map(\.method))
      #expect(methods == Self.decisionMethods, "\(model.name): missing \(Self.decisionMethods.subtracting(methods))")
    }
    let rules = Set(references.gradients.map { "\($0.rule) \($0.relu6) \($0.tensor)" })
    for rule in ReluRule.allCases {
      #expect(rules.contains("\(rule.rawValue) true input") && rules.contains("\(rule.rawValue) true intermediate"))
    }
    #expect(rules.isSuperset(of: ["guided false input", "deconvnet false input", "standard true cam"]))
    // Every decision method of the registry is one of the 16.
    #expect(Self.decisionMethods.isSubset(of: Set(MethodRegistry.names)))
  }

  @Test("forward: logits and activations match PyTorch; `auto` picks the CAM layer", arguments: ["depthwise_relu6", "residual"])
  func forward(_ name: String) throws {
    let (model, network, input) = try OutsideReferences.model(name)
    let trace = try network.forward(input)
    let logits = try OutsideReferences.array(model.logits)
    let ours = try trace.tensor(named: network.outputNames[0])
    try #require(ours.shape == logits.shape)
    let logitError = zip(ours.values, logits.values).map { abs($0 - $1) }.max() ?? .infinity
    #expect(logitError <= 1e-4, "logits: max abs error \(logitError)")
    for (key, file) in model.activations {
      let tensor = try #require(model.tensors[key])
      let expected = try OutsideReferences.array(file)
      let activation = try trace.tensor(named: tensor)
      try #require(activation.shape == expected.shape, "\(tensor): \(activation.shape) vs \(expected.shape)")
      let agreement = Agreement(activation.values, expected.values, images: input.shape[0])
      print("[outside references] \(name) activation \(key): \(agreement)")
      #expect(agreement.relativeError <= 1e-5, "\(tensor): \(agreement)")
    }
    let cam = try #require(model.tensors["cam"])
    #expect(try LayerChoice.auto.resolve(in: network, inputShape: input.shape).name == cam)
  }

  @Test("decision maps match their outside reference", arguments: OutsideReferences.cases?.maps ?? [])
  func map(_ reference: OutsideReferences.MapCase) throws {
    let (model, network, input) = try OutsideReferences.model(reference.model)
    var method = try MethodRegistry.make(reference.method, settings: reference.settings)
    if let noise = reference.noise {
      var smoothGrad = try #require(method as? SmoothGrad)
      let given = try OutsideReferences.array(noise)
      smoothGrad.givenNoise = Tensor(shape: given.shape, values: given.values)
      method = smoothGrad
    }
    let output = try method.run(MethodContext(network: network, images: input, targets: [.index(model.target)]))
    let ours: [Float]
    switch output.payload {
    case .layerMaps(let maps): ours = maps.items.flatMap(\.map.values)
    case .pixelAttributions(let attributions): ours = attributions.items.flatMap(\.values.values)
    default: ours = []
    }
    let expected = try OutsideReferences.array(reference.reference)
    try #require(ours.count == expected.values.count, "\(ours.count) values, the reference has shape \(expected.shape)")
    let agreement = Agreement(ours, expected.values, images: input.shape[0])
    print("[outside references] \(reference.testDescription): \(agreement)")
    let bound = Self.bounds(reference.method)
    #expect(agreement.correlation >= bound.correlation && agreement.relativeError <= bound.relative,
            "\(reference.source): \(agreement)")
  }

  @Test("ReLU rules: the gradient at the input and at intermediate tensors matches autograd", arguments: OutsideReferences.cases?.gradients ?? [])
  func reluRule(_ reference: OutsideReferences.GradientCase) throws {
    let (model, network, input) = try OutsideReferences.model(reference.model)
    let rule = try #require(ReluRule(rawValue: reference.rule))
    let tensor = reference.tensor == "input" ? network.inputName : try #require(model.tensors[reference.tensor])
    let trace = try network.forward(input)
    let logits = network.outputNames[0]
    let seed = try Trace.oneHotSeed(shape: try trace.shape(of: logits), classes: Array(repeating: model.target, count: input.shape[0]))
    let gradients = try trace.backward(seed: seed, at: logits, to: [tensor], rule: BackwardRule(relu: rule, appliesToClip: reference.relu6))
    let ours = try #require(gradients[tensor], "no gradient at \(tensor)")
    let expected = try OutsideReferences.array(reference.reference)
    try #require(ours.shape == expected.shape, "\(ours.shape) vs \(expected.shape)")
    let agreement = Agreement(ours.values, expected.values, images: input.shape[0])
    print("[outside references] \(reference.testDescription): \(agreement)")
    #expect(agreement.correlation >= 0.99999 && agreement.relativeError <= 2e-5, "\(reference.source): \(agreement)")
  }
}
