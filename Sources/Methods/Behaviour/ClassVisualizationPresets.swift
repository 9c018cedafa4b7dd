import Engine
import Foundation

/// The recipes of class visualization by gradient ascent. Pixel-space presets optimise the model
/// input x directly; `lucid` optimises a Fourier spectrum (`FourierImage`) with Adam.
public struct ClassVisualizationPreset: Sendable, Equatable {
  public enum Name: String, Sendable, CaseIterable, SettingChoice { case simonyan, cs231n, yosinski, lucid }
  public var name: Name
  public var steps: Int
  public var learningRate: Double
  /// λ of −λ‖x‖² in the objective (simonyan, cs231n).
  public var l2: Double
  /// x ← (1 − decay) x after each step (yosinski).
  public var decay: Double
  /// Gaussian blur σ applied every `blurEvery` steps (0: never).
  public var blurSigma: Double
  public var blurEvery: Int
  /// Random cyclic shift of up to ± this many pixels before each gradient (cs231n).
  public var jitter: Int
  /// Divide the gradient by its L2 norm (cs231n).
  public var normaliseGradient: Bool
  /// The step is taken in 0...255 pixel units (yosinski's Caffe convention) rather than model
  /// input units.
  public var pixelUnits: Bool
  /// Standard deviation of the seeded Gaussian start, in model input units.
  public var startSD: Double
  /// Clamp to the valid picture range [0, 1] after each step.
  public var clamp: Bool

  /// - simonyan (Simonyan et al. 2013): maximise y^c − λ‖x‖² by plain gradient ascent, from
  ///   near the mean image; lr 10, λ 1e-4, 200 steps (the paper gives no numbers; these keep
  ///   the step visible on ImageNet models).
  /// - cs231n (Stanford CS231n assignment 3): lr 25 with the gradient divided by its L2 norm,
  ///   λ 1e-3, 100 steps, blur σ 0.5 every 10, jitter 16, start N(0, 1), clamp.
  /// - yosinski (Yosinski et al. 2015): lr 100 in pixel units, decay 1e-4, blur radius 1 (σ 1)
  ///   every 4, 1000 steps, clamp.
  /// - lucid (Olah et al. 2017): Adam 0.05, 256 steps, Fourier + decorrelated colour, random
  ///   pad/jitter/scale/rotate/jitter each step.
  public static func named(_ name: Name) -> ClassVisualizationPreset {
    switch name {
    case .simonyan:
      return ClassVisualizationPreset(name: name, steps: 200, learningRate: 10, l2: 1e-4, decay: 0, blurSigma: 0, blurEvery: 0,
                                      jitter: 0, normaliseGradient: false, pixelUnits: false, startSD: 0.01, clamp: false)
    case .cs231n:
      return ClassVisualizationPreset(name: name, steps: 100, learningRate: 25, l2: 1e-3, decay: 0, blurSigma: 0.5, blurEvery: 10,
                                      jitter: 16, normaliseGradient: true, pixelUnits: false, startSD: 1, clamp: true)
    case .yosinski:
      return ClassVisualizationPreset(name: name, steps: 1000, learningRate: 100, l2: 0, decay: 1e-4, blurSigma: 1, blurEvery: 4,
                                      jitter: 0, normaliseGradient: false, pixelUnits: true, startSD: 0.01, clamp: true)
    case .lucid:
      return ClassVisualizationPreset(name: name, steps: 256, learningRate: 0.05, l2: 0, decay: 0, blurSigma: 0, blurEvery: 0,
                                      jitter: 0, normaliseGradient: false, pixelUnits: false, startSD: 0.01, clamp: false)
    }
  }

  public var summary: String {
    switch name {
    case .simonyan: return "simonyan: plain ascent on y − λ‖x‖², lr \(learningRate), λ \(l2), \(steps) steps"
    case .cs231n:
      return "cs231n: lr \(learningRate) on g/‖g‖, λ \(l2), blur σ \(blurSigma) every \(blurEvery), jitter \(jitter), \(steps) steps"
    case .yosinski: return "yosinski: lr \(learningRate) (pixel units), decay \(decay), blur σ \(blurSigma) every \(blurEvery), \(steps) steps"
    case .lucid:
      return "lucid: Fourier (1/f, sd 0.01) + decorrelated colour + sigmoid, Adam \(learningRate), pad 12, jitter 8, scale 0.9-1.1, rotate ±10°, jitter 4, \(steps) steps"
    }
  }
}

extension ClassVisualizationPreset: SettingConvertible {
  /// A preset by name (`preset: cs231n`).
  public init(setting value: SettingValue) throws { self = .named(try Name(setting: value)) }
  public static var settingKind: String { Name.settingKind }
  public var settingText: String { name.rawValue }
}

/// Gradient ascent directly on the model input (simonyan, cs231n, yosinski).
enum PixelAscent {
  /// Returns the final model input and y^c before each step.
  static func run(_ preset: ClassVisualizationPreset, score: ClassScoreGradient, scaling: InputScaling, seed: UInt64,
                  progress: (Int, Int) -> Void) throws -> (input: [Float], scores: [Float]) {
    let (height, width) = (score.shape[2], score.shape[3])
    var random = SeededRandom(seed: seed)
    var x = (0..<(3 * height * width)).map { _ in Float(random.normal() * preset.startSD) }
    let plane = height * width
    let low = (0..<3).map { scaling.offset($0) }, high = (0..<3).map { scaling.offset($0) + scaling.slope($0) }
    var scores: [Float] = []
    for step in 0..<preset.steps {
      let dy = preset.jitter > 0 ? Int(random.uniform() * Double(2 * preset.jitter + 1)) - preset.jitter : 0
      let dx = preset.jitter > 0 ? Int(random.uniform() * Double(2 * preset.jitter + 1)) - preset.jitter : 0
      let shifted = preset.jitter > 0 ? ImageFilters.roll(x, channels: 3, height: height, width: width, dy: dy, dx: dx) : x
      var (value, gradient) = try score.evaluate(shifted)
      scores.append(value)
      if preset.jitter > 0 { gradient = ImageFilters.roll(gradient, channels: 3, height: height, width: width, dy: -dy, dx: -dx) }
      // ∂/∂x of y − λ‖x‖².
      for index in x.indices { gradient[index] -= Float(2 * preset.l2) * x[index] }
      var rate = Float(preset.learningRate)
      if preset.normaliseGradient {
        let norm = gradient.reduce(0) { $0 + $1 * $1 }.squareRoot()
        rate /= max(norm, 1e-12)
      }
      for channel in 0..<3 {
        // In pixel units, x_P += lr ∂y/∂P with ∂y/∂P = ∂y/∂x · ∂x/∂P: a step of lr · slope² in x.
        let unit = preset.pixelUnits ? pow(scaling.slope(channel) / 255, 2) : 1
        for position in 0..<plane { x[channel * plane + position] += rate * unit * gradient[channel * plane + position] }
      }
      if preset.decay > 0 { x = x.map { $0 * Float(1 - preset.decay) } }
      if preset.blurEvery > 0, preset.blurSigma > 0, (step + 1) % preset.blurEvery == 0 {
        x = ImageFilters.gaussianBlur(x, channels: 3, height: height, width: width, sigma: preset.blurSigma)
      }
      if preset.clamp {
        for channel in 0..<3 {
          for position in 0..<plane { x[channel * plane + position] = min(max(x[channel * plane + position], low[channel]), high[channel]) }
        }
      }
      progress(step + 1, preset.steps)
    }
    return (x, scores)
  }
}

/// Lucid: Adam on the Fourier spectrum, a random warp of the picture each step.
enum LucidAscent {
  /// Returns the final picture [3, H, W] in [0, 1] and y^c of the warped picture at each step.
  static func run(_ preset: ClassVisualizationPreset, score: ClassScoreGradient, scaling: InputScaling, seed: UInt64,
                  progress: (Int, Int) -> Void) throws -> (picture: [Float], scores: [Float]) {
    let (height, width) = (score.shape[2], score.shape[3])
    let image = try FourierImage(height: height, width: width)
    var spectrum = image.initialSpectrum(seed: seed)
    var random = SeededRandom(seed: seed &+ 0x5EED)
    var adam = Adam(count: spectrum.count, learningRate: Float(preset.learningRate))
    var scores: [Float] = []
    let plane = height * width
    for step in 0..<preset.steps {
      let picture = image.image(spectrum)
      let warp = RandomWarp(height: height, width: width, random: &random)
      let warped = warp.apply(picture, channels: 3)
      let (value, inputGradient) = try score.evaluate(scaling.input(fromPicture: warped))
      scores.append(value)
      // Loss −y^c: ∂loss/∂warped = −∂y/∂x · ∂x/∂p.
      var warpedGradient = inputGradient
      for channel in 0..<3 {
        let slope = scaling.slope(channel)
        for position in 0..<plane { warpedGradient[channel * plane + position] *= -slope }
      }
      let pictureGradient = warp.adjoint(warpedGradient, channels: 3)
      adam.step(&spectrum, gradient: image.spectrumGradient(imageGradient: pictureGradient, image: picture))
      progress(step + 1, preset.steps)
    }
    return (image.image(spectrum), scores)
  }
}

/// Adam (Kingma & Ba 2015) with β1 0.9, β2 0.999, ε 1e-8 and bias correction, minimising.
struct Adam {
  var first: [Float], second: [Float]
  let learningRate: Float
  var t = 0
  init(count: Int, learningRate: Float) {
    first = [Float](repeating: 0, count: count)
    second = [Float](repeating: 0, count: count)
    self.learningRate = learningRate
  }

  mutating func step(_ parameters: inout [Float], gradient: [Float]) {
    t += 1
    let (beta1, beta2): (Float, Float) = (0.9, 0.999)
    let correction1 = 1 - pow(beta1, Float(t)), correction2 = 1 - pow(beta2, Float(t))
    for index in parameters.indices {
      first[index] = beta1 * first[index] + (1 - beta1) * gradient[index]
      second[index] = beta2 * second[index] + (1 - beta2) * gradient[index] * gradient[index]
      parameters[index] -= learningRate * (first[index] / correction1) / ((second[index] / correction2).squareRoot() + 1e-8)
    }
  }
}
