@testable import Engine

/// Small helpers to build test networks in Swift.
enum TestNet {
  static let input = "input"

  /// Output channel c reads input channel C − 1 − c.
  static func reversed(_ channels: Int) -> [Int] { (0..<channels).reversed().map { $0 } }

  /// A node that copies `source` ([N, C, H, W]) into the engine's blocked nChw16c layout with its
  /// channels reversed: a 1×1 convolution whose weights are a permutation matrix. Values are copied
  /// exactly (one product with 1, sums with exact zeros), so kinks of the input stay where the
  /// test put them, while the following op gets a blocked input (C > 4 in, or any C: the conv
  /// output is always blocked).
  static func blockedCopy(of source: String, channels: Int, output: String) throws -> Node {
    let conv = try Conv(weights: NaiveReference.permutationWeights(reversed(channels)), bias: nil)
    return Node(name: "to_blocked", op: conv, inputs: [source], outputs: [output])
  }

  /// x with its channels reversed (what `blockedCopy` computes), as a plain tensor.
  static func reversingChannels(_ x: Tensor) -> Tensor {
    let (n, c) = (x.shape[0], x.shape[1])
    let plane = x.shape.dropFirst(2).reduce(1, *)
    var values = x.values
    for item in 0..<n {
      for channel in 0..<c {
        let from = (item * c + (c - 1 - channel)) * plane, to = (item * c + channel) * plane
        for i in 0..<plane { values[to + i] = x.values[from + i] }
      }
    }
    return Tensor(shape: x.shape, values: values)
  }

  static func network(_ nodes: [Node], output: String, constants: [String: Tensor] = [:]) throws -> Network {
    try Network(nodes: nodes, inputName: input, outputNames: [output], constants: constants)
  }

  /// The layout a forward run stored tensor `name` in.
  static func layout(of name: String, in trace: Trace) -> Layout? { trace.values[name]?.layout }
}

extension NaiveReference.Padding {
  /// The same padding as the engine's `Conv.Padding`.
  var engine: Conv.Padding {
    switch self {
    case .explicit(let begin, let end): return .explicit(begin: begin, end: end)
    case .sameUpper: return .sameUpper
    case .sameLower: return .sameLower
    case .valid: return .valid
    }
  }

  var label: String {
    switch self {
    case .explicit(let begin, let end): return "pads \(begin)/\(end)"
    case .sameUpper: return "SAME_UPPER"
    case .sameLower: return "SAME_LOWER"
    case .valid: return "VALID"
    }
  }
}
