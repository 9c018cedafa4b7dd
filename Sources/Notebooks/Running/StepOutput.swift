// What a step produced. A method step's result is the method's own `MethodOutput`, which the cache
// stores as it is (JSON of the Codable output); `compare` holds one such output per column, each
// cached as the step it would be alone. The image names a step ran on come from the step itself.
import Methods

enum StepOutput: Sendable, Equatable {
  /// A method's output (also the `predict` step's: `Predictions`).
  case method(MethodOutput)
  /// The `compare` step: one map method's output per column, in order.
  case comparison([MethodOutput])

  /// What the run worked around, for the manifest and the progress log.
  var warnings: [String] {
    switch self {
    case .method(let output): return output.warnings
    case .comparison(let columns): return columns.flatMap(\.warnings)
    }
  }
}
