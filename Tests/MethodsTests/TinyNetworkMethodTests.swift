import Engine
import Foundation
@testable import Methods
import Testing

@Suite("Methods on tiny networks with hand-computable maps")
struct TinyNetworkMethodTests {
  func context(_ network: Network, _ image: Tensor, targets: [ClassTarget] = [.top1]) -> MethodContext {
    MethodContext(network: network, images: image, classNames: ["cat", "dog"], targets: targets, seed: 7)
  }

  func layerItems(_ output: MethodOutput) -> [LayerMaps.Item] {
    if case .layerMaps(let maps) = output.payload { return maps.items }
    return []
  }

  func pixelItems(_ output: MethodOutput) -> [PixelAttributions.Item] {
    if case .pixelAttributions(let attributions) = output.payload { return attributions.items }
    return []
  }

  @Test("CAM equals Σ_k W[c,k]·ReLU(w_k x) by hand, and Grad-CAM = CAM / (H·W) on a GAP + FC net")
  func camEqualsGradCAMUpToScale() throws {
    let network = try TinyNetworks.gapClassifier()
    let image = TinyNetworks.image(size: 4)
    for cls in 0..<2 {
      let cam = layerItems(try CAM().run(context(network, image, targets: [.index(cls)])))
      let gradCAM = layerItems(try GradCAM().run(context(network, image, targets: [.index(cls)])))
      #expect(cam.count == 1 && gradCAM.count == 1)
      let byHand = image.values.map { x in
        max(0, (0..<3).reduce(Float(0)) { $0 + TinyNetworks.classifier[cls * 3 + $1] * max(0, TinyNetworks.convWeights[$1] * x) })
      }
      for position in 0..<16 {
        #expect(abs(cam[0].map.values[position] - byHand[position]) < 1e-5)
        #expect(abs(gradCAM[0].map.values[position] * 16 - byHand[position]) < 1e-5)
      }
      #expect(cam[0].map.shape == [4, 4] && cam[0].target.index == cls)
    }
  }

  @Test("several targets give one map per (image, class), image-major, with class info")
  func severalTargets() throws {
    let network = try TinyNetworks.gapClassifier()
    let images = Tensor.batch([TinyNetworks.image(size: 4), Tensor(shape: [1, 1, 4, 4], values: (0..<16).map { Float($0) / 8 })])
    let items = layerItems(try GradCAM().run(context(network, images, targets: [.label("cat"), .index(1)])))
    #expect(items.map(\.imageIndex) == [0, 0, 1, 1])
    #expect(items.map(\.target.index) == [0, 1, 0, 1])
    #expect(items[1].target.label == "dog")
    let probabilities = items.filter { $0.imageIndex == 0 }.map(\.target.probability)
    #expect(abs(probabilities.reduce(0, +) - 1) < 1e-5)
  }

  @Test("occluding columns the network never reads gives exactly 0; the read columns do not")
  func occlusionOfIrrelevantRegionIsZero() throws {
    let network = try TinyNetworks.leftColumnsClassifier(keep: 4)
    let image = Tensor(shape: [1, 1, 8, 8], values: (0..<64).map { Float($0 % 9) / 3 + 0.2 })
    var occlusion = Occlusion()
    occlusion.window = 4
    occlusion.stride = 4
    occlusion.batch = 3
    let items = pixelItems(try occlusion.run(context(network, image)))
    #expect(items.count == 1)
    let values = items[0].values.values
    for y in 0..<8 {
      for x in 4..<8 { #expect(values[y * 8 + x] == 0) }
    }
    #expect(values.enumerated().contains { $0.offset % 8 < 4 && $0.element != 0 })
  }

  @Test("integrated gradients: the completeness gap is tiny on a smooth net (Gauss-Legendre, 32 steps)")
  func integratedGradientsCompleteness() throws {
    let network = try TinyNetworks.gapClassifier(activation: Tanh())
    let image = TinyNetworks.image(size: 4)
    let items = pixelItems(try IntegratedGradients().run(context(network, image)))
    let gap = try #require(items.first?.measurements.first { $0.name == "completeness gap" }).value
    let difference = try #require(items.first?.measurements.first { $0.name.hasPrefix("score difference") }).value
    let total = items[0].values.values.reduce(0.0) { $0 + Double($1) }
    #expect(abs(difference) > 0.01)
    #expect(abs(gap) < 1e-4 * max(1, abs(difference)))
    #expect(abs(total - difference - gap) < 1e-9)
  }

  @Test("saliency is |gradient|: on the GAP net ∂y/∂x = Σ_k W[c,k]·w_k·1[w_k x > 0] / (H·W)")
  func saliencyByHand() throws {
    let network = try TinyNetworks.gapClassifier()
    let image = TinyNetworks.image(size: 4)
    let items = pixelItems(try Saliency().run(context(network, image, targets: [.index(1)])))
    for (position, x) in image.values.enumerated() {
      let gradient = (0..<3).reduce(Float(0)) { total, k in
        total + (TinyNetworks.convWeights[k] * x > 0 ? TinyNetworks.classifier[3 + k] * TinyNetworks.convWeights[k] : 0)
      } / 16
      #expect(abs(items[0].values.values[position] - abs(gradient)) < 1e-6)
    }
  }

  /// The model-decision methods; the behaviour methods have their own tests.
  static let decisionMethods = ["saliency", "deconvnet", "guided-backprop", "smoothgrad", "integrated-gradients", "occlusion",
                                "cam", "grad-cam", "grad-cam-plus-plus", "xgrad-cam", "hires-cam", "layer-cam", "score-cam",
                                "ablation-cam", "eigen-cam", "guided-grad-cam"]

  @Test("every model-decision method runs on the tiny net and returns one finite item per image")
  func everyMethodRuns() throws {
    let network = try TinyNetworks.gapClassifier()
    let image = TinyNetworks.image(size: 8)
    for name in Self.decisionMethods {
      let type = try MethodRegistry.named(name)
      var settings: [String: SettingValue] = [:]
      if type.name == "occlusion" { settings = ["window": .int(4), "stride": .int(2)] }
      if type.name == "smoothgrad" { settings = ["steps": .int(3)] }
      if type.name == "integrated-gradients" { settings = ["steps": .int(4)] }
      let method = try type.make(settings: settings)
      let output = try method.run(context(network, image))
      let count = layerItems(output).count + pixelItems(output).count
      #expect(count == 1, "\(type.name)")
      let values = layerItems(output).flatMap(\.map.values) + pixelItems(output).flatMap(\.values.values)
      let allFinite = values.allSatisfy { $0.isFinite }
      #expect(allFinite, "\(type.name)")
      #expect(output.convention("method") == type.name)
    }
  }
}
