import Foundation

/// Finds the files that ship with ConvLens (the bundled model and class names in `Models/`,
/// the templates in `Templates/`): `$CONVLENS_HOME` if set, else the first folder holding
/// `Models/efficientnet-lite0.onnx` above the executable or the current directory.
public enum BundledResources {
  /// The standard bundled model's file, whose presence marks the resources folder.
  public static var defaultModelName: String { BundledModel.standard.fileName }
  /// The class names a model that is not bundled gets by default (ImageNet's 1000).
  public static let defaultLabelsName = "imagenet_classes.txt"

  public static var root: URL? {
    let fileManager = FileManager.default
    var candidates: [URL] = []
    if let home = ProcessInfo.processInfo.environment["CONVLENS_HOME"] { candidates.append(URL(fileURLWithPath: home)) }
    let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
    candidates.append(contentsOf: ancestors(of: executable.deletingLastPathComponent()))
    candidates.append(contentsOf: ancestors(of: URL(fileURLWithPath: fileManager.currentDirectoryPath)))
    return candidates.first { fileManager.fileExists(atPath: $0.appendingPathComponent("Models/\(defaultModelName)").path) }
  }

  private static func ancestors(of url: URL) -> [URL] {
    var result: [URL] = []
    var current = url.standardizedFileURL
    for _ in 0..<8 {
      result.append(current)
      let parent = current.deletingLastPathComponent()
      if parent.path == current.path { break }
      current = parent
    }
    return result
  }

  /// A file under `Models/`, or an error saying how to point ConvLens at it.
  public static func model(_ name: String) throws -> URL {
    guard let root else {
      throw ModelLoadingError("cannot find the bundled Models/\(name); run from the ConvLens checkout or set CONVLENS_HOME")
    }
    return root.appendingPathComponent("Models/\(name)")
  }

  public static var templates: URL? { root?.appendingPathComponent("Templates") }
}

/// Errors of model and input loading: one line each.
public struct ModelLoadingError: Error, CustomStringConvertible, Sendable {
  public let description: String
  public init(_ description: String) { self.description = description }
}
