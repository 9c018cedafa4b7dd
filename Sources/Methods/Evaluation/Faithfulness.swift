import Engine
import Foundation

/// The numbers behind the faithfulness metrics, for any map: the perturbed images, their class
/// probabilities in batches, and the area under a curve. Maps are [H · W] at the input size.
public enum Faithfulness {
  /// The class probabilities p(c_i | image_i) = softmax(y(image_i))_{c_i} for `count` images made by
  /// `make(i)` (each [C · H · W] values of one [C, H, W] image), c_i = `classOf(i)`, `batch` per
  /// forward pass. Forward only (fused activations): only the scores are read.
  static func probabilities(_ network: Network, imageShape: [Int], count: Int, batch: Int, classOf: (Int) -> Int,
                            make: (Int) -> [Float]) throws -> [Float] {
    let scoreName = ClassScores.tensorName(network)
    var result: [Float] = []
    result.reserveCapacity(count)
    var start = 0
    while start < count {
      let end = min(start + max(batch, 1), count)
      var values: [Float] = []
      values.reserveCapacity((end - start) * imageShape.reduce(1, *))
      for index in start..<end { values += make(index) }
      let scores = try network.forward(Tensor(shape: [end - start] + imageShape, values: values), mode: .fused, keeping: [scoreName])
        .tensor(named: scoreName)  // [n, K]
      for (offset, row) in scores.rows.enumerated() {
        let classIndex = classOf(start + offset)
        guard classIndex >= 0, classIndex < row.count else { throw MethodError("class index \(classIndex) is out of range: the model has \(row.count) classes") }
        result.append(softmax(row)[classIndex])
      }
      start = end
    }
    return result
  }

  /// Pixel indices by decreasing map value; ties keep the raster order, so the order is reproducible.
  public static func order(_ map: [Float]) -> [Int] {
    map.indices.sorted { map[$0] != map[$1] ? map[$0] > map[$1] : $0 < $1 }
  }

  /// How many pixels are changed after step `step` of `steps`: round(step · pixels / steps).
  static func changedCount(step: Int, steps: Int, pixels: Int) -> Int {
    Int((Double(step) * Double(pixels) / Double(steps)).rounded())
  }

  /// Trapezoid area under y over x = 0, 1/n, …, 1 (n + 1 values), as RISE's `auc`:
  /// (Σ y − y₀/2 − yₙ/2) / n.
  public static func auc(_ y: [Float]) -> Double {
    guard y.count > 1 else { return Double(y.first ?? 0) }
    let total = y.reduce(0.0) { $0 + Double($1) }
    return (total - Double(y[0]) / 2 - Double(y[y.count - 1]) / 2) / Double(y.count - 1)
  }

  /// Gaussian blur of one image [C, H, W] (values [C · H · W]), separable, σ = `sigma` pixels,
  /// 2·⌈1.5σ⌉ + 1 taps at most 11 (RISE blurs with an 11 × 11 kernel of σ 5), edges replicated
  /// (so borders keep their colour instead of fading to the zero padding RISE uses).
  public static func blur(_ image: [Float], channels: Int, height: Int, width: Int, sigma: Double = 5) -> [Float] {
    let radius = min(5, Int((1.5 * sigma).rounded(.up)))
    var kernel = (-radius...radius).map { exp(-Double($0 * $0) / (2 * sigma * sigma)) }
    let total = kernel.reduce(0, +)
    kernel = kernel.map { $0 / total }
    // One 1-D pass along rows (vertical false) or columns, clamping at the edges.
    func pass(_ source: [Float], vertical: Bool) -> [Float] {
      var target = [Float](repeating: 0, count: source.count)
      for channel in 0..<channels {
        let base = channel * height * width
        for row in 0..<height {
          for column in 0..<width {
            var sum = 0.0
            for (tap, weight) in kernel.enumerated() {
              let y = vertical ? min(max(row + tap - radius, 0), height - 1) : row
              let x = vertical ? column : min(max(column + tap - radius, 0), width - 1)
              sum += weight * Double(source[base + y * width + x])
            }
            target[base + row * width + column] = Float(sum)
          }
        }
      }
      return target
    }
    return pass(pass(image, vertical: false), vertical: true)
  }

  /// The deletion or insertion curve of one image (Petsiuk et al., RISE, BMVC 2018, §4.1): the
  /// pixels ranked by `map` (largest first) are moved from `start` to `end` in `steps` equal steps
  /// (all channels of a pixel at once); the curve is p(c) after each step, steps + 1 values.
  /// Deletion: start = the image, end = the baseline; insertion: start = the blurred image, end =
  /// the image.
  public static func curve(_ network: Network, start: [Float], end: [Float], map: [Float], imageShape: [Int],
                           classIndex: Int, steps: Int, batch: Int) throws -> [Float] {
    let (channels, plane) = (imageShape[0], imageShape[1] * imageShape[2])
    guard map.count == plane, start.count == channels * plane, end.count == start.count else {
      throw MethodError("a map of \(map.count) values does not fit an image \(imageShape)")
    }
    let ranked = order(map)
    return try probabilities(network, imageShape: imageShape, count: steps + 1, batch: batch, classOf: { _ in classIndex }) { step in
      var image = start
      for pixel in ranked.prefix(changedCount(step: step, steps: steps, pixels: plane)) {
        for channel in 0..<channels { image[channel * plane + pixel] = end[channel * plane + pixel] }
      }
      return image
    }
  }

  /// The explanation map of Chattopadhay et al. (Grad-CAM++, WACV 2018, §6.1): E = x ⊙ M with
  /// M = max(map, 0) / max(map) (the positive evidence, peak 1; all zeros when nothing is positive),
  /// in normalised space, where 0 is the dataset mean colour.
  public static func explanationImage(_ image: [Float], map: [Float], channels: Int) -> [Float] {
    let peak = map.max() ?? 0
    let mask = map.map { peak > 0 ? max($0, 0) / peak : 0 }
    let plane = mask.count
    return image.indices.map { image[$0] * mask[$0 % plane] }
  }

  /// Average Drop and Increase in Confidence over pairs (Y, O) of the class probability on the image
  /// and on its explanation map: drop = 100 · mean max(0, Y − O) / Y; increase = 100 · fraction O > Y.
  public static func averageDrop(original: [Float], explained: [Float]) -> (drop: Double, increase: Double) {
    guard !original.isEmpty, original.count == explained.count else { return (0, 0) }
    var drop = 0.0, increased = 0
    for (y, o) in zip(original, explained) {
      drop += y > 0 ? Double(max(0, y - o) / y) : 0
      if o > y { increased += 1 }
    }
    let n = Double(original.count)
    return (100 * drop / n, 100 * Double(increased) / n)
  }
}
