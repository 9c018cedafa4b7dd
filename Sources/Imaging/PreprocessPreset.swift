/// How a decoded picture becomes a model input [3, H, W]:
/// 1. if `resizeShorterSide` = s: resize so the shorter side is s and the longer side is
///    int(s · long / short) (torchvision's `Resize(s)`), with `interpolation`;
/// 2. if `centerCrop` = c: a centred c x c window (torchvision's `CenterCrop(c)`);
/// 3. per channel: value = (pixel · scale − mean[c]) / std[c], pixel in 0...255.
public struct PreprocessPreset: Sendable, Equatable {
  public var name: String
  public var resizeShorterSide: Int?
  public var centerCrop: Int?
  public var interpolation: ImageResize.Interpolation
  /// Multiplies the 0...255 pixel before the mean is subtracted: 1 or 1/255.
  public var scale: Float
  /// [3], red, green, blue, in scaled units.
  public var mean: [Float]
  /// [3], red, green, blue, in scaled units.
  public var std: [Float]

  public init(name: String, resizeShorterSide: Int?, centerCrop: Int?,
              interpolation: ImageResize.Interpolation = .bicubic,
              scale: Float, mean: [Float], std: [Float]) throws {
    func problem(_ text: String) -> PreprocessPresetError {
      PreprocessPresetError(message: "preprocess preset '\(name)': \(text)")
    }
    if let side = resizeShorterSide, side <= 0 { throw problem("resize size must be positive, got \(side)") }
    if let crop = centerCrop, crop <= 0 { throw problem("crop size must be positive, got \(crop)") }
    guard mean.count == 3, std.count == 3 else {
      throw problem("mean and std need 3 values (R, G, B), got \(mean.count) and \(std.count)")
    }
    guard std.allSatisfy({ $0 != 0 && $0.isFinite }), mean.allSatisfy(\.isFinite), scale.isFinite, scale != 0 else {
      throw problem("std and scale must be finite and non-zero, mean finite")
    }
    self.name = name
    self.resizeShorterSide = resizeShorterSide
    self.centerCrop = centerCrop
    self.interpolation = interpolation
    self.scale = scale
    self.mean = mean
    self.std = std
  }

  /// The bundled EfficientNet-Lite0's training preprocessing: RGB, shorter side → 256 (bicubic),
  /// centre crop 224, (pixel − 127) / 128 on 0...255 values.
  public static let efficientNetLite = PreprocessPreset(
    uncheckedName: "efficientnet-lite", resizeShorterSide: 256, centerCrop: 224, scale: 1,
    mean: [127, 127, 127], std: [128, 128, 128])

  /// torchvision's ImageNet classification transform: shorter side → 256 (bicubic), centre crop
  /// 224, pixel / 255, then mean 0.485/0.456/0.406 and std 0.229/0.224/0.225.
  public static let imagenet = PreprocessPreset(
    uncheckedName: "imagenet", resizeShorterSide: 256, centerCrop: 224, scale: 1 / 255,
    mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])

  /// No resizing or cropping (the picture keeps its own size), pixel / 255 into 0...1.
  public static let none = PreprocessPreset(
    uncheckedName: "none", resizeShorterSide: nil, centerCrop: nil, scale: 1 / 255,
    mean: [0, 0, 0], std: [1, 1, 1])

  public static let all: [PreprocessPreset] = [efficientNetLite, imagenet, none]

  /// The preset called `name` (case-insensitive); an unknown name throws an error listing the
  /// presets and the closest one.
  public static func named(_ name: String) throws -> PreprocessPreset {
    if let preset = all.first(where: { $0.name.caseInsensitiveCompare(name) == .orderedSame }) { return preset }
    let names = all.map(\.name)
    let closest = EditDistance.closest(to: name, among: names, count: 1).first.map { " (did you mean '\($0)'?)" } ?? ""
    throw PreprocessPresetError(
      message: "unknown preprocess preset '\(name)'\(closest); known presets: \(names.joined(separator: ", "))")
  }

  /// One line for captions and manifests, e.g.
  /// "efficientnet-lite: shorter side → 256 (bicubic), centre crop 224, (pixel − 127) / 128".
  public var summary: String {
    var steps: [String] = []
    if let side = resizeShorterSide { steps.append("shorter side → \(side) (\(interpolation.rawValue))") }
    if let crop = centerCrop { steps.append("centre crop \(crop)") }
    let pixel = scale == 1 ? "pixel" : scale == 1 / 255 ? "pixel / 255" : "pixel × \(scale)"
    if mean.allSatisfy({ $0 == 0 }) && std.allSatisfy({ $0 == 1 }) {
      steps.append(pixel)
    } else if Set(mean).count == 1 && Set(std).count == 1 {
      steps.append("(\(pixel) − \(Self.format(mean[0]))) / \(Self.format(std[0]))")
    } else {
      steps.append("(\(pixel) − mean \(mean.map(Self.format).joined(separator: "/"))) / std "
        + std.map(Self.format).joined(separator: "/"))
    }
    return "\(name): " + steps.joined(separator: ", ")
  }

  private static func format(_ value: Float) -> String {
    value == value.rounded() && abs(value) < 1e6 ? String(Int(value)) : String(value)
  }

  /// For the built-in presets, whose values are known to be valid.
  private init(uncheckedName name: String, resizeShorterSide: Int?, centerCrop: Int?, scale: Float,
               mean: [Float], std: [Float]) {
    self.name = name
    self.resizeShorterSide = resizeShorterSide
    self.centerCrop = centerCrop
    self.interpolation = .bicubic
    self.scale = scale
    self.mean = mean
    self.std = std
  }
}

/// An invalid or unknown preprocessing preset; `description` is one line.
public struct PreprocessPresetError: Error, CustomStringConvertible, Equatable {
  public let message: String
  public var description: String { message }
}
