import Datasets
import Engine
import Foundation
import Imaging
import ONNXImport
import Testing
@testable import Methods

/// Quality checks on the bundled EfficientNet-Lite0, run only in release builds
/// (`swift test -c release --filter BehaviourTests.ReleaseBenchmarkTests`). They print their times,
/// but assert none: speed is measured by `ConvLensBenchmark --behaviour`, never by a timed test.
@Suite("Release benchmarks on the bundled model", .serialized, .enabled(if: Behaviour.isReleaseBuild))
struct ReleaseBenchmarkTests {
  static let modelURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Models/efficientnet-lite0.onnx")
  static let fashionMNIST = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"

  /// A [3, H, W] picture in [0, 1] as a binary PPM, for looking at the results.
  static func writePPM(_ picture: Tensor, to url: URL) throws {
    let (height, width) = (picture.shape[1], picture.shape[2])
    var bytes = Array("P6 \(width) \(height) 255\n".utf8)
    for position in 0..<(height * width) {
      for channel in 0..<3 { bytes.append(UInt8(max(0, min(255, (picture.values[channel * height * width + position] * 255).rounded())))) }
    }
    try Data(bytes).write(to: url)
  }

  @Test("t-SNE of 1000 Fashion-MNIST test images: trustworthiness",
        .enabled(if: FileManager.default.fileExists(atPath: fashionMNIST)))
  func fashionMNISTTSNE() throws {
    let network = try ONNXNetworkLoader.load(contentsOf: Self.modelURL)
    let started = Date()
    let dataset = try DatasetSpec(source: .fashionMNIST(split: "t10k"), limit: 1000, seed: 0)
      .load(inputSize: InputSize(height: 224, width: 224), preset: .efficientNetLite)
    let loaded = Date()
    let layer = try BehaviourLayers.globalPoolOutput(network)
    let features = try DatasetFeatureCache.shared.features(dataset, layer: layer, network: network, batch: 16)
    let featured = Date()
    let result = TSNEEmbedding().run(features.values, count: features.count, dimension: features.dimension)
    let finished = Date()
    print(String(format: "fashion-mnist t-SNE: n %d, layer %@ %@, load %.1f s, features %.1f s, t-SNE %.1f s, trustworthiness(k=5) %.4f",
                 features.count, layer, "\(features.itemShape)", loaded.timeIntervalSince(started), featured.timeIntervalSince(loaded),
                 finished.timeIntervalSince(featured), result.trustworthiness))
    #expect(dataset.count == 1000)
    #expect(result.trustworthiness >= 0.9)
  }

  @Test("lucid reaches p ≥ 0.9 for goldfinch, flamingo, hummingbird, with less high-frequency energy than simonyan",
        arguments: [11, 130, 94])
  func lucidTargets(classIndex: Int) throws {
    let network = try ONNXNetworkLoader.load(contentsOf: Self.modelURL)
    let context = MethodContext(network: network, images: Tensor(zeros: [1, 3, 224, 224]), targets: [.index(classIndex)], seed: 0)
    let lucid = try MethodRegistry.make("class-visualization", settings: ["preset": .string("lucid")])
    let started = Date()
    guard case .imageGrid(let grid) = try lucid.run(context).payload, let picture = grid.cells.first?.image else {
      Issue.record("expected an image grid"); return
    }
    let seconds = Date().timeIntervalSince(started)
    let row = try ScoreGradients.scores(network, Tensor(shape: [1, 3, 224, 224], values: InputScaling.efficientNetLite.input(fromPicture: picture.values))).values
    let probability = softmax(row)[classIndex]
    let lucidEnergy = ImageFilters.highFrequencyEnergy(picture.values, height: 224, width: 224) ?? 1
    let simonyan = try MethodRegistry.make("class-visualization", settings: ["preset": .string("simonyan")])
    guard case .imageGrid(let plain) = try simonyan.run(context).payload, let plainPicture = plain.cells.first?.image else {
      Issue.record("expected an image grid"); return
    }
    let plainEnergy = ImageFilters.highFrequencyEnergy(plainPicture.values, height: 224, width: 224) ?? 0
    print(String(format: "lucid class %d: p = %.4f, logit %.2f, %.1f s; high-frequency energy lucid %.4f vs simonyan %.4f",
                 classIndex, probability, row[classIndex], seconds, lucidEnergy, plainEnergy))
    if let folder = ProcessInfo.processInfo.environment["CONVLENS_BEHAVIOUR_DUMP"] {
      try Self.writePPM(picture, to: URL(fileURLWithPath: folder).appendingPathComponent("lucid-\(classIndex).ppm"))
      try Self.writePPM(plainPicture, to: URL(fileURLWithPath: folder).appendingPathComponent("simonyan-\(classIndex).ppm"))
    }
    #expect(probability >= 0.9)
    #expect(lucidEnergy < plainEnergy / 2)
  }
}
