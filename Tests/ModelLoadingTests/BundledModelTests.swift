import Foundation
import Imaging
import Testing
@testable import ModelLoading

/// The bundled models' table and the one rule it feeds: what a model's preset and labels default to.
@Suite struct BundledModelTests {
  @Test func eachBundledModelHasItsPresetAndLabels() throws {
    #expect(BundledModel.all.map(\.name) == ["efficientnet-lite0", "squeezenet1.1"])
    #expect(try BundledModel.named("efficientnet-lite0").preset == .efficientNetLite)
    #expect(try BundledModel.named("squeezenet1.1").preset == .imagenet)
    #expect(BundledModel.all.allSatisfy { $0.labelsFile == "imagenet_classes.txt" })
    // The manifest's `bundled:FILE` names the same model as `bundled:NAME`.
    #expect(try BundledModel.referenced(by: "bundled:squeezenet1.1.onnx") == .squeezeNet11)
    #expect(try BundledModel.referenced(by: "models/squeezenet1.1.onnx") == nil, "a path is not a bundled name")
    #expect(BundledResources.defaultModelName == "efficientnet-lite0.onnx")
  }

  @Test func modelFileDefaultsComeFromTheTable() throws {
    #expect(try ModelFile(nil) == .bundled(.efficientNetLite0))
    #expect(try ModelFile(nil).defaultPreset == .efficientNetLite)
    #expect(try ModelFile("bundled:squeezenet1.1").defaultPreset == .imagenet)
    #expect(try ModelFile("nets/resnet18.onnx") == .file(URL(fileURLWithPath: "nets/resnet18.onnx")))
    #expect(try ModelFile("nets/resnet18.onnx").defaultPreset == .imagenet)
  }

  @Test func anUnknownNameListsTheBundledModelsAndSuggestsANearOne() {
    do {
      _ = try ModelFile("bundled:squeezenet1.0")
      Issue.record("an unknown bundled name must be refused")
    } catch {
      let message = "\(error)"
      #expect(message.contains("unknown bundled model 'squeezenet1.0' (did you mean 'bundled:squeezenet1.1'?)"), "\(message)")
      #expect(message.contains("bundled models: bundled:efficientnet-lite0, bundled:squeezenet1.1"), "\(message)")
    }
    do {
      _ = try BundledModel.named("resnet50")
      Issue.record("an unknown bundled name must be refused")
    } catch {
      #expect(!"\(error)".contains("did you mean"), "nothing is near 'resnet50': \(error)")
    }
  }

  @Test func loadingByBundledNameGivesThatModelWithItsPresetAndLabels() throws {
    try #require(BundledResources.root != nil, "the bundled model must be found from the checkout")
    let model = try LoadedModel.load(path: "bundled:efficientnet-lite0")
    #expect(model.isBundled)
    #expect(model.source == .bundled(.efficientNetLite0))
    #expect(model.preset == .efficientNetLite)
    #expect(model.label(281) == "tabby")
    #expect(model.url.lastPathComponent == "efficientnet-lite0.onnx")
  }
}
