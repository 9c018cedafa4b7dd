import Foundation
import Methods
import Testing

@Suite struct PredictionsTests {
  @Test func softmaxIsStableAndNormalised() {
    // Large logits would overflow a naive exp in Float.
    let probabilities = softmax([1000, 1001, 999])
    #expect(abs(probabilities.reduce(0, +) - 1) < 1e-6)
    // exp(1) / (1 + e + e^-1) for the middle entry.
    let e = Foundation.exp(1.0)
    #expect(abs(Double(probabilities[1]) - e / (1 + e + 1 / e)) < 1e-6)
    #expect(softmax([]).isEmpty)
  }

  @Test func topClassesAreRankedByScoreWithTiesInClassOrder() {
    let top = Predictions.top(3, row: [0.5, 2, 0.5, -1], label: { "c\($0)" })
    #expect(top.map(\.index) == [1, 0, 2] && top.map(\.label) == ["c1", "c0", "c2"])
    #expect(top[0].logit == 2 && abs(Double(top[0].probability) - Double(softmax([0.5, 2, 0.5, -1])[1])) < 1e-7)
  }
}
