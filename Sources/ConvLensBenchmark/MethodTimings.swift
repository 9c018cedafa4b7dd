import Engine
import Foundation
import Methods

/// Perturbation methods on one image, ms per image (median of `runs` after one warm-up): occlusion
/// (window 32, stride 16, batch 16; 169 windows at 224 px) as whole occluded copies in batches and
/// with incremental inference (only the region each window reaches, Occlusion.incremental), and
/// Score-CAM (batch 16; one masked copy per channel of the target layer, so nothing to reuse), and
/// Grad-CAM (one forward keeping every tensor, one backward to the automatic layer), to compare with
/// pytorch-grad-cam (`Scripts/bench_gradcam.py`).
func methodTimings(network: Network, model: String, shape: [Int], runs: Int, only: Set<String>?) throws -> [Measurement] {
  var generator = SystemRandomNumberGenerator()
  let count = shape.dropFirst().reduce(1, *)
  let image = Tensor(shape: [1] + shape.dropFirst(), values: (0..<count).map { _ in Float.random(in: -1...1, using: &generator) })
  let context = MethodContext(network: network, images: image)
  var cases: [(String, any VisualizationMethod)] = []
  for incremental in [false, true] {
    var occlusion = Occlusion()
    occlusion.incremental = incremental
    cases.append((incremental ? "occlusion incremental" : "occlusion batched", occlusion))
  }
  cases.append(("score-cam", try MethodRegistry.make("score-cam")))
  cases.append(("grad-cam", try MethodRegistry.make("grad-cam")))
  var results: [Measurement] = []
  for (task, method) in cases where only?.contains(task) ?? true {
    _ = try method.run(context)
    var times: [Double] = []
    for _ in 0..<max(runs, 1) { times.append(try time { _ = try method.run(context) }) }
    let med = median(times)
    results.append(Measurement(model: model, task: task, batch: 1, runs: times.count, medianMilliseconds: med,
                               millisecondsPerImage: med, minMilliseconds: times.min() ?? med))
  }
  return results
}
