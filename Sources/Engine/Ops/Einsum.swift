/// ONNX Einsum with one or two operands (NumPy einsum semantics; `...` stands for the same leading
/// axes in every operand, explicit `->` or the implicit output: letters used once, alphabetically).
/// Two operands run as one batched product (MaxViT's relative-position logits 'nixw,jyw->nijxy'):
/// letters only in one operand and not in the output are summed first; then, with batch letters b (in
/// both and the output), kept letters m (left only) and n (right only) and contracted letters k,
///   A → [b, m, k], B → [b, k, n], Y' = A·B per b (oneDNN sgemm), Y' [b, m, n] → the output's order.
/// Backward: dA' = dY'·B'ᵀ, dB' = A'ᵀ·dY', permuted back (and broadcast over the summed letters).
/// Repeated letters within one operand (diagonals) are refused.
public final class Einsum: Op, ExecutableOp, @unchecked Sendable {
  public let typeName = "Einsum"
  public let traits: OpTraits = []
  public let equation: String
  private let terms: [[Character]]
  private let explicitOutput: [Character]?

  public init(equation: String) throws {
    self.equation = equation
    let compact = equation.filter { !$0.isWhitespace }
    let sides = compact.components(separatedBy: "->")
    guard sides.count <= 2, let left = sides.first else { throw EngineError("Einsum equation '\(equation)' has more than one '->'") }
    terms = left.components(separatedBy: ",").map { Array($0.replacingOccurrences(of: "...", with: "*")) }
    explicitOutput = sides.count == 2 ? Array(sides[1].replacingOccurrences(of: "...", with: "*")) : nil
    guard (1...2).contains(terms.count) else { throw EngineError("Einsum with \(terms.count) operands is not supported (1 or 2)") }
    for term in terms + [explicitOutput ?? []] {
      guard term.allSatisfy({ $0.isLetter || $0 == "*" }), term.filter({ $0 == "*" }).count <= 1 else {
        throw EngineError("Einsum equation '\(equation)' is malformed")
      }
      let letters = term.filter { $0 != "*" }
      guard Set(letters).count == letters.count else {
        throw EngineError("Einsum term '\(String(term))' repeats a letter (diagonals are not supported)")
      }
    }
  }

  /// The terms with `*` (the ellipsis) expanded to private letters for the given shapes, the output
  /// term, and every letter's size.
  private func resolve(_ shapes: [[Int]]) throws -> (inputs: [[Character]], output: [Character], sizes: [Character: Int]) {
    guard shapes.count == terms.count else { throw EngineError("Einsum '\(equation)' has \(terms.count) terms for \(shapes.count) inputs") }
    var ellipsis = 0
    for (term, shape) in zip(terms, shapes) {
      let named = term.filter { $0 != "*" }.count
      guard term.contains("*") ? shape.count >= named : shape.count == named else {
        throw EngineError("Einsum term '\(String(term))' does not fit an input of shape \(shape)")
      }
      ellipsis = max(ellipsis, shape.count - named)
    }
    // The ellipsis axes are right-aligned across operands: private letters U+0100... name them.
    let inputs = zip(terms, shapes).map { term, shape -> [Character] in
      let count = shape.count - term.filter { $0 != "*" }.count
      let hidden = (0..<count).map { Character(UnicodeScalar(0x100 + ellipsis - count + $0)!) }
      return term.flatMap { $0 == "*" ? hidden : [$0] }
    }
    let hiddenAll = (0..<ellipsis).map { Character(UnicodeScalar(0x100 + $0)!) }
    let output: [Character]
    if let explicitOutput {
      output = explicitOutput.flatMap { $0 == "*" ? hiddenAll : [$0] }
    } else {
      let named = terms.joined().filter { $0 != "*" }
      output = hiddenAll + Set(named).filter { letter in named.filter { $0 == letter }.count == 1 }.sorted()
    }
    var sizes: [Character: Int] = [:]
    for (letters, shape) in zip(inputs, shapes) {
      for (letter, size) in zip(letters, shape) {
        if let known = sizes[letter], known != size {
          throw EngineError("Einsum '\(equation)': an index has sizes \(known) and \(size) in inputs \(shapes)")
        }
        sizes[letter] = size
      }
    }
    for letter in output where sizes[letter] == nil { throw EngineError("Einsum '\(equation)': an output index is in no input") }
    return (inputs, output, sizes)
  }

  public func outputShapes(_ inputShapes: [[Int]]) throws -> [[Int]] {
    let (_, output, sizes) = try resolve(inputShapes)
    return [output.map { sizes[$0] ?? 0 }]
  }

  /// How a two-operand product is laid out: the letters of each group, the operands reduced to the
  /// letters that matter, and the permutations into [b, m, k] / [b, k, n] / [b, m, n].
  private struct Plan {
    var reduceA: [Int], reduceB: [Int]           // axes summed first (letters in one operand only)
    var a: [Character], b: [Character]           // the operands' letters after that sum
    var batch: [Character], m: [Character], n: [Character], k: [Character]
    var output: [Character]
    var sizes: [Character: Int]
    func size(_ letters: [Character]) -> Int { letters.reduce(1) { $0 * (sizes[$1] ?? 1) } }
  }

  private func plan(_ shapes: [[Int]]) throws -> Plan {
    let (inputs, output, sizes) = try resolve(shapes)
    let left = inputs[0], right = inputs.count > 1 ? inputs[1] : []
    let keepA = left.map { output.contains($0) || right.contains($0) }, keepB = right.map { output.contains($0) || left.contains($0) }
    let a = zip(left, keepA).filter(\.1).map(\.0), b = zip(right, keepB).filter(\.1).map(\.0)
    return Plan(reduceA: keepA.indices.filter { !keepA[$0] }, reduceB: keepB.indices.filter { !keepB[$0] }, a: a, b: b,
                batch: output.filter { a.contains($0) && b.contains($0) }, m: output.filter { a.contains($0) && !b.contains($0) },
                n: output.filter { b.contains($0) && !a.contains($0) }, k: a.filter { b.contains($0) && !output.contains($0) },
                output: output, sizes: sizes)
  }

  /// `x` (letters `from`) permuted to the order `to` (a permutation of them), plain.
  private func permuted(_ x: Value, _ from: [Character], _ to: [Character]) throws -> Value {
    guard from != to else { return x }
    let transpose = Transpose(permutation: to.map { letter in from.firstIndex(of: letter) ?? 0 })
    return try transpose.forward([x])[0]
  }

  /// The inverse of `permuted`: a value in order `to` back to order `from`.
  private func unpermuted(_ y: Value, _ from: [Character], _ to: [Character], shape: [Int]) throws -> Value {
    guard from != to else { return y.reshaped(shape) }
    let (map, _) = try Transpose(permutation: to.map { letter in from.firstIndex(of: letter) ?? 0 }).map(shape)
    return GatherMap.scatter(y, map: map, shape: shape)
  }

  private func summed(_ x: Value, axes: [Int]) throws -> Value {
    axes.isEmpty ? x : try Reduce(.sum, axes: axes, keepDims: false).forward([x])[0]
  }

  /// Y' [b, m, n] = A' [b, m, k] · B' [b, k, n] (or their transposes for the backward products).
  private func products(_ p: Plan, _ lhs: Value, transposeL: Bool, _ rhs: Value, transposeR: Bool, rows: Int, columns: Int,
                        inner: Int) throws -> Value {
    let count = p.size(p.batch)
    let out = Value(uninitialized: [count * rows * columns])
    defer { withExtendedLifetime((lhs, rhs)) {} }  // pooled buffers: keep alive while their pointers are used
    for item in 0..<count {
      try GEMM.multiply(transposeA: transposeL, transposeB: transposeR, m: rows, n: columns, k: inner, alpha: 1,
                        a: lhs.buffer.pointer + item * rows * inner, b: rhs.buffer.pointer + item * inner * columns, beta: 0,
                        c: out.buffer.pointer + item * rows * columns)
    }
    return out
  }

  func forward(_ inputs: [Value]) throws -> [Value] {
    let plain = try inputs.map { try Reorder.value($0, to: .plain) }
    let p = try plan(plain.map(\.shape))
    let outShape = p.output.map { p.sizes[$0] ?? 0 }
    let a = try summed(plain[0], axes: p.reduceA)
    guard plain.count == 2 else { return [try permuted(a, p.a, p.output).reshaped(outShape)] }
    let b = try summed(plain[1], axes: p.reduceB)
    let left = try permuted(a, p.a, p.batch + p.m + p.k), right = try permuted(b, p.b, p.batch + p.k + p.n)
    let y = try products(p, left, transposeL: false, right, transposeR: false, rows: p.size(p.m), columns: p.size(p.n), inner: p.size(p.k))
    return [try permuted(y.reshaped((p.batch + p.m + p.n).map { p.sizes[$0] ?? 0 }), p.batch + p.m + p.n, p.output).reshaped(outShape)]
  }

  func backward(_ pass: BackwardPass) throws -> [Value?] {
    guard let dyValue = pass.outputGradients[0] else { return pass.inputs.map { _ in nil } }
    let plain = try pass.inputs.map { try Reorder.value($0, to: .plain) }
    let dy = try Reorder.value(dyValue, to: .plain)
    let p = try plan(plain.map(\.shape))
    let shapeOf = { (letters: [Character]) in letters.map { p.sizes[$0] ?? 0 } }
    /// A gradient with respect to the summed operand, broadcast back over the summed axes.
    func expanded(_ g: Value, to x: Value, axes: [Int]) throws -> Value {
      guard !axes.isEmpty else { return g }
      let sum = Reduce(.sum, axes: axes, keepDims: false)
      return try sum.backward(BackwardPass(inputs: [x], outputs: [g], outputGradients: [g], needsGradient: [true], rule: pass.rule))[0] ?? g
    }
    if plain.count == 1 {
      let dA = try unpermuted(dy, p.a, p.output, shape: shapeOf(p.a))
      return [pass.needsGradient[0] ? try expanded(dA, to: plain[0], axes: p.reduceA) : nil]
    }
    let a = try summed(plain[0], axes: p.reduceA), b = try summed(plain[1], axes: p.reduceB)
    let left = try permuted(a, p.a, p.batch + p.m + p.k), right = try permuted(b, p.b, p.batch + p.k + p.n)
    let g = try permuted(dy, p.output, p.batch + p.m + p.n)
    let (rows, columns, inner) = (p.size(p.m), p.size(p.n), p.size(p.k))
    var grads: [Value?] = [nil, nil]
    if pass.needsGradient[0] {  // dA' [b, m, k] = dY' [b, m, n] · B'ᵀ
      let dA = try products(p, g, transposeL: false, right, transposeR: true, rows: rows, columns: inner, inner: columns)
      let back = try unpermuted(dA.reshaped(shapeOf(p.batch + p.m + p.k)), p.a, p.batch + p.m + p.k, shape: shapeOf(p.a))
      grads[0] = try expanded(back, to: plain[0], axes: p.reduceA)
    }
    if pass.needsGradient[1] {  // dB' [b, k, n] = A'ᵀ · dY'
      let dB = try products(p, left, transposeL: true, g, transposeR: false, rows: inner, columns: columns, inner: rows)
      let back = try unpermuted(dB.reshaped(shapeOf(p.batch + p.k + p.n)), p.b, p.batch + p.k + p.n, shape: shapeOf(p.b))
      grads[1] = try expanded(back, to: plain[1], axes: p.reduceB)
    }
    return grads
  }
}
