import Engine
import Foundation
import Testing
@testable import Methods

@Suite("Class visualization")
struct ClassVisualizationTests {
  @Test("simonyan ascent raises the target logit monotonically over the first steps")
  func monotonicAscent() throws {
    let method = try MethodRegistry.make("class-visualization", settings: [
      "preset": .string("simonyan"), "steps": .int(8), "learning-rate": .double(0.5), "preprocess": .string("none"),
    ])
    let context = MethodContext(network: try Behaviour.tinyClassifier(), images: Behaviour.randomImages(1, seed: 2),
                                targets: [.index(1)], seed: 9)
    let output = try method.run(context)
    guard case .imageGrid(let grid) = output.payload, let curve = grid.curve?.series.first else {
      Issue.record("expected an image grid with a score curve"); return
    }
    #expect(curve.y.count == 8)
    #expect(zip(curve.y, curve.y.dropFirst()).allSatisfy { $0 < $1 })
    #expect(grid.cells.first?.image.shape == [3, 8, 8])
    #expect(grid.cells.first?.image.values.allSatisfy { $0 >= 0 && $0 <= 1 } == true)
  }

  @Test("lucid raises the score of the untransformed picture, and repeats exactly with a seed")
  func lucidOnTinyModel() throws {
    let method = try MethodRegistry.make("class-visualization", settings: ["preset": .string("lucid"), "steps": .int(30), "preprocess": .string("none")])
    let network = try Behaviour.tinyClassifier()
    let context = MethodContext(network: network, images: Behaviour.randomImages(1, seed: 2), targets: [.index(0)], seed: 4)
    guard case .imageGrid(let grid) = try method.run(context).payload, let picture = grid.cells.first?.image else {
      Issue.record("expected an image grid"); return
    }
    guard case .imageGrid(let again) = try method.run(context).payload else { Issue.record("expected an image grid"); return }
    #expect(again.cells.first?.image == picture)
    let start = Array(repeating: Float(0.5), count: 3 * 64)  // the sigmoid of the near-zero initial image
    let before = try ScoreGradients.scores(network, Tensor(shape: [1, 3, 8, 8], values: InputScaling.none.input(fromPicture: start))).values[0]
    let after = try ScoreGradients.scores(network, Tensor(shape: [1, 3, 8, 8], values: InputScaling.none.input(fromPicture: picture.values))).values[0]
    #expect(after > before + 0.1)
  }

  /// ⟨A u, v⟩ = ⟨u, Aᵀ v⟩ for random u, v: the backward pass is the exact adjoint of the forward.
  @Test("the Fourier parameterisation's backward is its adjoint (finite differences)")
  func fourierGradient() throws {
    let image = try FourierImage(height: 8, width: 6)
    var spectrum = image.initialSpectrum(seed: 3, sd: 0.5)
    var random = SeededRandom(seed: 8)
    let weights = (0..<(3 * 48)).map { _ in Float(random.normal()) }
    let loss = { (s: [Float]) -> Double in zip(image.image(s), weights).reduce(0) { $0 + Double($1.0 * $1.1) } }
    let gradient = image.spectrumGradient(imageGradient: weights, image: image.image(spectrum))
    for index in [0, 1, 5, 9, 14, 23, 40, 71, 100, 143] {  // includes DC, Nyquist and interior bins
      let original = spectrum[index]
      spectrum[index] = original + 1e-2
      let up = loss(spectrum)
      spectrum[index] = original - 1e-2
      let down = loss(spectrum)
      spectrum[index] = original
      #expect(abs((up - down) / 2e-2 - Double(gradient[index])) < 2e-3 * max(1, abs(Double(gradient[index]))))
    }
  }

  @Test("the random warp's backward is the adjoint of its sampling")
  func warpAdjoint() {
    var random = SeededRandom(seed: 21)
    for _ in 0..<5 {
      let warp = RandomWarp(height: 12, width: 10, random: &random)
      let u = (0..<(3 * 120)).map { _ in Float(random.normal()) }
      let v = (0..<(3 * 120)).map { _ in Float(random.normal()) }
      // apply(u) = W u + 0.5·(weights outside): subtract the constant part, apply(0).
      let constant = warp.apply([Float](repeating: 0, count: 3 * 120), channels: 3)
      let linear = zip(warp.apply(u, channels: 3), constant).map { $0 - $1 }
      let left = zip(linear, v).reduce(0.0) { $0 + Double($1.0 * $1.1) }
      let right = zip(u, warp.adjoint(v, channels: 3)).reduce(0.0) { $0 + Double($1.0 * $1.1) }
      #expect(abs(left - right) < 1e-3 * max(1, abs(left)))
    }
  }

  @Test("the 2-D real FFT matches a naive DFT, and the inverse undoes it (× H·W)")
  func realFFTMatchesDFT() throws {
    let (height, width) = (5, 6)
    let fft = try RealFFT2D(height: height, width: width)
    var random = SeededRandom(seed: 13)
    let plane = (0..<(height * width)).map { _ in Float(random.normal()) }
    let spectrum = fft.forward(plane)
    for k in 0..<height {
      for l in 0...(width / 2) {
        var re = 0.0, im = 0.0
        for n in 0..<height {
          for m in 0..<width {
            let angle = -2 * Double.pi * (Double(k * n) / Double(height) + Double(l * m) / Double(width))
            re += Double(plane[n * width + m]) * cos(angle)
            im += Double(plane[n * width + m]) * sin(angle)
          }
        }
        let bin = k * (width / 2 + 1) + l
        #expect(abs(Double(spectrum[2 * bin]) - re) < 1e-4)
        #expect(abs(Double(spectrum[2 * bin + 1]) - im) < 1e-4)
      }
    }
    let back = fft.inverse(spectrum)
    #expect(zip(back, plane).allSatisfy { abs($0 / Float(height * width) - $1) < 1e-5 })
  }

  @Test("lucid's initial picture is mid-grey, not saturated (FFT scale check)")
  func initialRange() throws {
    let image = try FourierImage(height: 224, width: 224)
    let picture = image.image(image.initialSpectrum(seed: 0))
    let (low, high) = (picture.min() ?? 0, picture.max() ?? 1)
    #expect(low > 0.3 && high < 0.7)
  }
}
