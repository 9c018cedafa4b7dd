import Engine
import Foundation

/// Eigen-CAM (Muhammad & Yeasin 2020), as pytorch-grad-cam: P = A as [h·w, C] minus each channel's
/// mean over positions; map = P · v for the first right singular vector v, with the sign chosen to
/// correlate positively with the mean activation over channels; then the ReLU. Class-agnostic.
public enum EigenCAMMap: CAMVariant {
  public static let name = "eigen-cam"
  public static let summary = "First principal component of the layer's feature maps; no gradients, class-agnostic (Muhammad 2020)."
  public static let needsGradient = false
  public static let conventions = [
    Convention("map", "P·v, P = centred [h·w, C], v = first right singular vector (power iteration, seeded)"),
    Convention("sign", "positive correlation with the mean activation"),
  ]

  public static func map(_ sample: LayerSample, _ setup: LayerSetup) throws -> [Float] {
    let plane = sample.height * sample.width, channels = sample.channels
    // P [plane, C], centred per channel.
    var p = [Double](repeating: 0, count: plane * channels)
    for channel in 0..<channels {
      var mean = 0.0
      for position in 0..<plane { mean += Double(sample.activation[channel * plane + position]) }
      mean /= Double(plane)
      for position in 0..<plane { p[position * channels + channel] = Double(sample.activation[channel * plane + position]) - mean }
    }
    // P·v = σ u, with u the top eigenvector of P Pᵀ [plane, plane] (the same singular direction as
    // v of Pᵀ P, found in the smaller space): power iteration from a seeded start.
    var gram = [Double](repeating: 0, count: plane * plane)
    for i in 0..<plane {
      for j in i..<plane {
        var dot = 0.0
        for k in 0..<channels { dot += p[i * channels + k] * p[j * channels + k] }
        gram[i * plane + j] = dot
        gram[j * plane + i] = dot
      }
    }
    var random = SeededRandom(seed: setup.context.seed &+ UInt64(sample.imageIndex))
    var u = (0..<plane).map { _ in random.normal() }
    var eigenvalue = 0.0
    for _ in 0..<5000 {
      var next = [Double](repeating: 0, count: plane)
      for i in 0..<plane {
        var total = 0.0
        for j in 0..<plane { total += gram[i * plane + j] * u[j] }
        next[i] = total
      }
      let norm = sqrt(next.reduce(0) { $0 + $1 * $1 })
      guard norm > 0 else { return [Float](repeating: 0, count: plane) }
      next = next.map { $0 / norm }
      let change = zip(next, u).reduce(0) { $0 + abs($1.0 - $1.1) }
      u = next
      let converged = abs(norm - eigenvalue) <= 1e-12 * norm && change < 1e-10
      eigenvalue = norm
      if converged { break }
    }
    let sigma = sqrt(max(eigenvalue, 0))
    var map = u.map { $0 * sigma }
    // Deterministic sign: correlate positively with the mean activation over channels.
    let meanActivation = (0..<plane).map { position in
      (0..<channels).reduce(0.0) { $0 + Double(sample.activation[$1 * plane + position]) } / Double(channels)
    }
    if MapComparison.pearson(map, meanActivation) < 0 { map = map.map { -$0 } }
    return map.map { Float($0) }
  }
}

public typealias EigenCAM = CAMMethod<EigenCAMMap>
