import Datasets
import Engine
import Foundation
import Imaging
import Methods

/// The slow model-behaviour methods, timed once each (they take seconds, not milliseconds), so the
/// README's claims come from a run and never from a timed test:
/// - class visualization, `lucid` preset (256 Adam steps on a Fourier image), goldfinch (11),
///   flamingo (130) and hummingbird (94), from a zero image;
/// - t-SNE of 1000 Fashion-MNIST test images (class-balanced sample, seed 0): loading, features at the
///   global-pool output and the 1000-iteration Barnes-Hut embedding, end to end.
func behaviourTimings(network: Network, model: String, shape: [Int]) throws -> [Measurement] {
  var results: [Measurement] = []
  func record(_ task: String, _ milliseconds: Double) {
    results.append(Measurement(model: model, task: task, batch: 1, runs: 1, medianMilliseconds: milliseconds,
                               millisecondsPerImage: milliseconds, minMilliseconds: milliseconds))
  }
  let blank = Tensor(zeros: [1] + shape.dropFirst())
  for classIndex in [11, 130, 94] {
    let context = MethodContext(network: network, images: blank, targets: [.index(classIndex)], seed: 0)
    let lucid = try MethodRegistry.make("class-visualization", settings: ["preset": .string("lucid")])
    record("lucid class \(classIndex)", try time { _ = try lucid.run(context) })
  }
  let fashion = DatasetSpec(source: .fashionMNIST(split: "t10k"), limit: 1000, seed: 0)
  var trustworthiness = "?"
  let milliseconds = try time {
    let dataset = try fashion.load(inputSize: InputSize(height: shape[2], width: shape[3]), preset: .efficientNetLite)
    let context = MethodContext(network: network, images: blank, seed: 0, dataset: dataset)
    let output = try MethodRegistry.make("tsne").run(context)
    trustworthiness = output.conventions.first { $0.key == "trustworthiness" }?.value ?? "?"
  }
  record("t-SNE fashion-mnist 1000", milliseconds)
  print("t-SNE trustworthiness: \(trustworthiness)")
  return results
}
