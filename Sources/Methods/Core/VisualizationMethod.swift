import Engine

/// A visualization method: its settings are `Setting` lines over the struct's properties (applied by
/// `Configurable.init(settings:)`), and `run` turns a batch of images into plain numbers.
///
/// Adding a method: one file with a struct conforming to this protocol, plus one line in
/// `MethodRegistry.all`.
public protocol VisualizationMethod: Configurable {
  /// The name users type (`convlens explain grad-cam`, `method: grad-cam` in a notebook).
  static var name: String { get }
  /// One line for `convlens methods`.
  static var summary: String { get }
  /// Every key the settings accept (default: the keys of `settings`; evaluation methods also take
  /// the settings of the method they judge).
  static var settingNames: [String] { get }
  /// (key, meaning and default) per setting, in the order `convlens methods` lists them.
  static var settingsHelp: [(key: String, help: String)] { get }
  /// The method with `settings` over its defaults (`init(settings:)`; evaluations pass the keys they
  /// do not have on to the method they judge).
  static func make(settings: [String: SettingValue]) throws -> Self
  func run(_ context: MethodContext) throws -> MethodOutput
}

extension VisualizationMethod {
  public static var settingsOwner: String { name }
  /// The keys of the method's own setting lines.
  public static var ownSettingNames: [String] { settings.map(\.key) }
  public static var settingNames: [String] { ownSettingNames }
  public static var settingsHelp: [(key: String, help: String)] { settings.map { ($0.key, $0.helpText) } }
  public static func make(settings: [String: SettingValue]) throws -> Self { try Self(settings: settings) }
}

/// A labelled image collection, for methods that look at many images (neighbours, t-SNE, top
/// patches). The Datasets module provides the concrete sources (ImageFolder trees, IDX files).
public protocol DatasetSource: Sendable {
  var count: Int { get }
  /// The preprocessed image `index`: [3, H, W].
  func image(at index: Int) throws -> Tensor
  /// The class index of image `index`, when the dataset is labelled.
  func label(at index: Int) -> Int?
  /// A readable name for class `index`.
  func className(for index: Int) -> String
}

/// Everything a method runs on.
public struct MethodContext: Sendable {
  public var network: Network
  /// The preprocessed batch: [N, 3, H, W].
  public var images: Tensor
  /// Class names by index (nil: "class N").
  public var classNames: [String]?
  /// The classes to explain; each image gets one map per target, in this order.
  public var targets: [ClassTarget]
  /// Seed for every random choice (noise, initialisations), so runs repeat exactly.
  public var seed: UInt64
  /// Progress: (step name, done, total). Called from the running thread.
  public var progress: @Sendable (String, Int, Int) -> Void
  /// A dataset for methods that need more than the batch.
  public var dataset: (any DatasetSource)?

  public init(network: Network, images: Tensor, classNames: [String]? = nil, targets: [ClassTarget] = [.top1],
              seed: UInt64 = 0, dataset: (any DatasetSource)? = nil,
              progress: @escaping @Sendable (String, Int, Int) -> Void = { _, _, _ in }) {
    self.network = network
    self.images = images
    self.classNames = classNames
    self.targets = targets.isEmpty ? [.top1] : targets
    self.seed = seed
    self.dataset = dataset
    self.progress = progress
  }

  /// Number of images in the batch.
  public var imageCount: Int { images.shape.first ?? 0 }

  /// The label for class `index`.
  public func className(_ index: Int) -> String {
    guard let classNames, index >= 0, index < classNames.count else { return "class \(index)" }
    return classNames[index]
  }

  /// Checks the batch is [N, 3 or 1, H, W] with N ≥ 1.
  func validatedImageShape() throws -> [Int] {
    guard images.rank == 4, images.shape[0] >= 1 else {
      throw MethodError("the images must be a batch [N, C, H, W], got shape \(images.shape)")
    }
    return images.shape
  }
}

/// A method failure, as one line a user can act on.
public struct MethodError: Error, CustomStringConvertible, Sendable, Equatable {
  public let description: String
  public init(_ description: String) { self.description = description }
}
