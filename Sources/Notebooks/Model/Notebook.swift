// A parsed notebook: front matter, then prose and steps in reading order, each step remembering
// where it was written so errors and the run manifest can point at it.
import Foundation
import Methods

/// A position in a notebook file (1-based line and column), printed as `file:line:column`.
public struct SourceLocation: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
  /// The file as given on the command line (or "-P" for values that came from an override).
  public var file: String
  public var line: Int
  public var column: Int

  public init(file: String, line: Int, column: Int) {
    self.file = file
    self.line = line
    self.column = column
  }

  public var description: String { line > 0 ? "\(file):\(line):\(column)" : file }

  /// `file:line`, for the manifest and step failures.
  public var fileAndLine: String { line > 0 ? "\(file):\(line)" : file }
}

/// A notebook problem: one line naming where it is, what is wrong and what is expected.
public struct NotebookError: Error, CustomStringConvertible, Sendable, Equatable {
  public let location: SourceLocation?
  public let message: String

  public init(_ message: String, at location: SourceLocation? = nil) {
    self.location = location
    self.message = message
  }

  public var description: String { location.map { "\($0): \(message)" } ?? message }
}

/// One step: a method (or a built-in such as `predict`) with its settings and what it runs on.
public struct Step: Sendable, Equatable {
  /// The method name as written (`grad-cam`).
  public var name: String
  /// Method settings only (the step keys `image`, `target`, ... are taken out), by key.
  public var settings: [String: StepValue]
  /// Image names to run on; empty means every image of the front matter, in its order.
  public var images: [String]
  /// Target classes as written ("top1", "281", "tabby"); empty means top1.
  public var targets: [String]
  /// Display choices (colormap, alpha, sign, clip, display): they do not change the computed
  /// output, so they are not in the cache key.
  public var display: DisplaySettings
  /// A dataset of the front matter, for methods that look at many images.
  public var dataset: String?
  /// The name prose uses for the step's (first) figure: `label: fig-gradcam`, `@fig-gradcam`.
  public var label: String?
  /// The front matter's `models:` entry the step runs on; nil: the default model (`model: default` too).
  public var model: String?
  /// `compare` only: one map step per column (its method, settings and display keys).
  public var columns: [Step]
  /// Where the step starts, and where each key was written (for located errors).
  public var location: SourceLocation
  public var keyLocations: [String: SourceLocation]

  public init(name: String, settings: [String: StepValue] = [:], images: [String] = [], targets: [String] = [],
              display: DisplaySettings = DisplaySettings(), dataset: String? = nil, label: String? = nil, model: String? = nil,
              columns: [Step] = [], location: SourceLocation, keyLocations: [String: SourceLocation] = [:]) {
    self.name = name
    self.settings = settings
    self.images = images
    self.targets = targets
    self.display = display
    self.dataset = dataset
    self.label = label
    self.model = model
    self.columns = columns
    self.location = location
    self.keyLocations = keyLocations
  }

  /// Keys a step understands besides the method's own settings.
  public static let stepKeys = ownKeys + DisplaySettings.keys
  /// The step keys that belong to a whole `compare` step, never to one of its columns.
  static let ownKeys = ["image", "images", "target", "targets", "dataset", "label", "model"]
}

/// A setting value as YAML gave it: scalars typed by YAML's rules, lists of them; the methods'
/// own `SettingValue`, so step settings reach a method's `init(settings:)` unchanged.
public typealias StepValue = SettingValue

/// A piece of the notebook in reading order.
public enum Cell: Sendable, Equatable {
  case markdown(String)
  case step(Step)
}

/// A whole notebook, ready to run.
public struct Notebook: Sendable {
  /// The notebook file; relative paths of the front matter are resolved against its folder.
  public var url: URL
  /// The file as the user named it, for error locations.
  public var displayName: String
  public var frontMatter: FrontMatter
  public var cells: [Cell]

  public init(url: URL, displayName: String, frontMatter: FrontMatter, cells: [Cell]) {
    self.url = url
    self.displayName = displayName
    self.frontMatter = frontMatter
    self.cells = cells
  }

  /// The notebook's file name without extension: the stem of every output.
  public var name: String { url.deletingPathExtension().lastPathComponent }

  public var steps: [Step] {
    cells.compactMap { if case .step(let step) = $0 { return step } else { return nil } }
  }
}
