import ArgumentParser
import Engine
import Foundation
import Methods
import ModelLoading

/// `convlens predict`: top-k classes for images or preprocessed tensors.
struct PredictCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "predict",
    abstract: "Classify images (PNG/JPEG) or preprocessed .npy tensors with an ONNX model.")

  @OptionGroup var model: ModelOptions

  @Argument(help: "Images (PNG, JPEG), folders of images, or .npy float32 tensors [3,H,W] / [N,3,H,W].")
  var inputs: [String]

  @Option(name: .long, help: "How many classes to list per input.")
  var top: Int = 5

  @Option(name: .long, help: "Images per forward pass.")
  var batch: Int = 16

  @Flag(name: .long, help: "Print JSON: one object per input with input, top and (with --logits) logits.")
  var json = false

  @Flag(name: .long, help: "Include the full logit vector in the JSON output.")
  var logits = false

  func validate() throws {
    guard top >= 1 else { throw ValidationError("--top must be at least 1") }
    guard batch >= 1 && batch <= 1024 else { throw ValidationError("--batch must be between 1 and 1024") }
    guard !inputs.isEmpty else { throw ValidationError("give at least one image or .npy file") }
  }

  func run() throws {
    try reportingErrors {
      let loaded = try model.load()
      let items = try ModelInput.load(paths: inputs, preset: loaded.preset)
      var records: [PredictionRecord] = []
      for group in ModelInput.batches(items, size: batch) {
        let trace = try loaded.network.forward(Tensor.batch(group.map(\.tensor)), mode: .fused)
        let output = try trace.output()
        let classes = output.count / max(group.count, 1)
        for (index, item) in group.enumerated() {
          let row = Array(output.values[index * classes ..< (index + 1) * classes])
          records.append(PredictionRecord(input: item.name, top: Predictions.top(top, row: row, label: loaded.label),
                                          logits: logits ? row : nil))
        }
      }
      if json {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        print(String(decoding: try encoder.encode(records), as: UTF8.self))
      } else {
        for record in records {
          print(record.input)
          for (rank, entry) in record.top.enumerated() {
            print(String(format: "  %d. %@ (%d)  p=%.4f  logit=%.3f", rank + 1, entry.label, entry.index,
                         Double(entry.probability), Double(entry.logit)))
          }
        }
      }
    }
  }
}

struct PredictionRecord: Encodable {
  let input: String
  let top: [ClassInfo]
  let logits: [Float]?
}

/// Runs `body`, turning any library error into a one-line `CommandError`.
func reportingErrors(_ body: () throws -> Void) throws {
  do {
    try body()
  } catch let error as CommandError {
    throw error
  } catch let error as CustomStringConvertible & Error {
    throw CommandError(error.description)
  } catch {
    throw CommandError(String(describing: error))
  }
}
