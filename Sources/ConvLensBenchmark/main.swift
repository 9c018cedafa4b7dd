import Engine
import Foundation
import ModelLoading

// Release-mode benchmark of the engine: forward, and forward + backward to the input, at batch 1
// and 16, for the bundled model and any ONNX files given. Median of N timed runs after warm-up.
//
//   swift run -c release ConvLensBenchmark [--runs N] [--json FILE] [MODEL.onnx ...]
//   swift run -c release ConvLensBenchmark --behaviour   # lucid class visualization, t-SNE of Fashion-MNIST (once each)
//   swift run -c release ConvLensBenchmark --methods [--only grad-cam] [--runs N]   # occlusion (batched / incremental), score-cam, grad-cam

struct Measurement: Codable {
  let model: String
  let task: String
  let batch: Int
  let runs: Int
  let medianMilliseconds: Double
  let millisecondsPerImage: Double
  let minMilliseconds: Double
}

func median(_ values: [Double]) -> Double {
  let sorted = values.sorted()
  return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func time(_ body: () throws -> Void) rethrows -> Double {
  let start = DispatchTime.now().uptimeNanoseconds
  try body()
  return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
}

var arguments = Array(CommandLine.arguments.dropFirst())
var runs = 20
var jsonPath: String?
var tasks = ["forward", "forward+backward"]
var batches = [1, 16]
var modelPaths: [String?] = []
var profile = false
var fused = true
var gradientMode = ForwardMode.gradients
var methods = false
var onlyMethods: Set<String>?
var behaviour = false
var backwardByType: [String: Double] = [:]
while let argument = arguments.first {
  arguments.removeFirst()
  switch argument {
  case "--runs": runs = Int(arguments.removeFirst()) ?? runs
  case "--json": jsonPath = arguments.removeFirst()
  case "--forward-only": tasks = ["forward"]
  case "--profile": profile = true
  case "--unfused": fused = false
  case "--keep-all": gradientMode = .keepAll
  case "--methods": methods = true
  case "--only": onlyMethods = Set(arguments.removeFirst().split(separator: ",").map(String.init))
  case "--behaviour": behaviour = true
  case "--help", "-h":
    print("ConvLensBenchmark [--runs N] [--forward-only] [--batch 1,16] [--profile] [--unfused] [--keep-all] [--methods] [--behaviour] [--json FILE] [MODEL.onnx ...]")
    print("  --unfused: forward-only runs keep every tensor; --keep-all: forward+backward runs keep every tensor (not ForwardMode.gradients)")
    print("  --methods: occlusion (window 32, stride 16) batched vs incremental, score-cam and grad-cam, ms per image")
    print("  --only TASKS: with --methods, only these comma-separated tasks (e.g. grad-cam)")
    print("  --behaviour: lucid class visualization (3 classes) and t-SNE of 1000 Fashion-MNIST images, once each")
    exit(0)
  case "--batch": batches = arguments.removeFirst().split(separator: ",").compactMap { Int($0) }
  default: modelPaths.append(argument)
  }
}
if modelPaths.isEmpty { modelPaths = [nil] }

// Which kernels these numbers come from: oneDNN's ISA after any ONEDNN_MAX_CPU_ISA cap, and the block width.
print("oneDNN ISA: \(ChannelBlock.instructionSet); channel block: \(ChannelBlock.width) (ONEDNN_MAX_CPU_ISA=\(ProcessInfo.processInfo.environment["ONEDNN_MAX_CPU_ISA"] ?? "unset"))")
var results: [Measurement] = []
do {
  for path in modelPaths {
    let model = try LoadedModel.load(path: path)
    let network = model.network
    let name = path.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "efficientnet-lite0 (bundled)"
    let shape = network.declaredInputShape.map { $0.map { max($0, 1) } } ?? [1, 3, 224, 224]
    if behaviour {
      results += try behaviourTimings(network: network, model: name, shape: shape)
      continue
    }
    if methods {
      results += try methodTimings(network: network, model: name, shape: shape, runs: runs, only: onlyMethods)
      continue
    }
    for batch in batches {
      var generator = SystemRandomNumberGenerator()
      let count = batch * shape.dropFirst().reduce(1, *)
      let input = Tensor(shape: [batch] + shape.dropFirst(), values: (0..<count).map { _ in Float.random(in: -1...1, using: &generator) })
      for task in tasks {
        let mode: ForwardMode = task == "forward" ? (fused ? .fused : .keepAll) : gradientMode
        let work = {
          let trace = try network.forward(input, mode: mode)
          if task == "forward+backward" {
            let logits = try trace.output()
            let classes = (0..<batch).map { item in
              (0..<logits.shape[1]).max { logits.values[item * logits.shape[1] + $0] < logits.values[item * logits.shape[1] + $1] } ?? 0
            }
            let seed = try Trace.oneHotSeed(shape: logits.shape, classes: classes)
            _ = try trace.backward(seed: seed, at: network.outputNames[0], to: [network.inputName]) { node, seconds in
              if profile { backwardByType[node.op.typeName, default: 0] += seconds }
            }
          } else {
            _ = try trace.output()
          }
        }
        for _ in 0..<3 { try work() }
        if profile {
          var byType: [String: Double] = [:]
          for _ in 0..<runs { _ = try network.forward(input, mode: mode) { node, seconds in byType[node.op.typeName, default: 0] += seconds } }
          print("  \(task) at batch \(batch), forward in mode \(mode):")
          for (type, seconds) in byType.sorted(by: { $0.value > $1.value }) {
            print(String(format: "  %-20@ %8.2f ms per forward", type, seconds * 1000 / Double(runs)))
          }
        }
        var times: [Double] = []
        backwardByType = [:]
        for _ in 0..<runs { times.append(try time(work)) }
        for (type, seconds) in backwardByType.sorted(by: { $0.value > $1.value }) {
          print(String(format: "  backward %-20@ %8.2f ms per pass", type, seconds * 1000 / Double(runs)))
        }
        let med = median(times)
        results.append(Measurement(model: name, task: task, batch: batch, runs: runs, medianMilliseconds: med,
                                   millisecondsPerImage: med / Double(batch), minMilliseconds: times.min() ?? med))
      }
    }
  }
} catch {
  FileHandle.standardError.write(Data("benchmark: \(error)\n".utf8))
  exit(1)
}

print("model                              task                    batch   median ms   ms/image   min ms")
for r in results {
  let model = r.model.padding(toLength: 34, withPad: " ", startingAt: 0)
  let task = r.task.padding(toLength: 23, withPad: " ", startingAt: 0)
  print(String(format: "%@ %@ %5d %11.2f %10.2f %8.2f", model, task, r.batch, r.medianMilliseconds, r.millisecondsPerImage, r.minMilliseconds))
}
let encoder = JSONEncoder()
encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
if let data = try? encoder.encode(results) {
  if let jsonPath { try? data.write(to: URL(fileURLWithPath: jsonPath)) } else { print(String(decoding: data, as: UTF8.self)) }
}
