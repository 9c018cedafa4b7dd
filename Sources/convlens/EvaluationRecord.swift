import Foundation
import Methods

/// One (image, class) result of an evaluation (`deletion-insertion`, `average-drop`,
/// `sanity-check`) for `convlens explain … --json`: the numbers, the curves and the per-step numbers.
struct EvaluationRecord: Encodable {
  struct Step: Encodable {
    let label: String
    let measurements: [Metric]
  }
  let input: String
  let method: String
  let judgedMethod: String
  let target: ClassInfo
  let measurements: [Metric]
  let curves: [Curve.Series]?
  let steps: [Step]?
  let conventions: [Convention]
  let milliseconds: Double

  static func records(_ evaluation: Evaluation, inputs: [String], method: String, conventions: [Convention],
                      milliseconds: Double) -> [EvaluationRecord] {
    evaluation.items.map { item in
      EvaluationRecord(
        input: item.imageIndex < inputs.count ? inputs[item.imageIndex] : "image \(item.imageIndex)", method: method,
        judgedMethod: evaluation.method, target: item.target, measurements: item.measurements,
        curves: item.curve?.series,
        steps: item.panels.isEmpty ? nil : item.panels.map { Step(label: $0.label, measurements: $0.measurements) },
        conventions: conventions, milliseconds: milliseconds)
    }
  }

  /// Numbers over every record of the run: Average Drop and Increase in Confidence for
  /// average-drop (Chattopadhay et al.: means over images), else the mean of each number.
  static func summary(_ records: [EvaluationRecord]) -> [Metric] {
    guard let first = records.first else { return [] }
    func mean(_ name: String) -> Double {
      records.reduce(0.0) { $0 + ($1.measurements.first { $0.name == name }?.value ?? 0) } / Double(records.count)
    }
    if first.method == AverageDrop.name {
      return [Metric("Average Drop %", mean("drop %")), Metric("Increase in Confidence %", 100 * mean("increase"))]
    }
    return first.measurements.map { Metric("mean \($0.name)", mean($0.name)) }
  }

  /// JSON ({records, summary}), or one line per (image, class) with its numbers, then the summary.
  static func print(_ records: [EvaluationRecord], json: Bool) throws {
    let summary = summary(records)
    if json {
      struct Output: Encodable {
        let records: [EvaluationRecord]
        let summary: [Metric]
      }
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
      Swift.print(String(decoding: try encoder.encode(Output(records: records, summary: summary)), as: UTF8.self))
      return
    }
    for record in records {
      let numbers = record.measurements.map { "\($0.name) \(String(format: "%.4f", $0.value))" }.joined(separator: ", ")
      let probability = String(format: "%.4f", Double(record.target.probability))
      Swift.print("\(record.input): \(record.method) of \(record.judgedMethod) for \(record.target.label) (\(record.target.index), p=\(probability)): \(numbers)")
      for step in record.steps ?? [] where !step.measurements.isEmpty {
        Swift.print("  \(step.label): " + step.measurements.map { "\($0.name) \(String(format: "%.4f", $0.value))" }.joined(separator: ", "))
      }
    }
    guard records.count > 1 || records.first?.method == AverageDrop.name else { return }
    for measurement in summary {
      Swift.print("\(measurement.name) over \(records.count): \(String(format: "%.4f", measurement.value))")
    }
  }
}
