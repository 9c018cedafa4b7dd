import ArgumentParser
import Foundation
import ModelLoading
import Notebooks

/// `convlens init`: a starter notebook (and the sample images it uses) to edit and render.
struct InitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "init",
    abstract: "Write a starter notebook from Templates/starters, with the sample images it uses.")

  enum Starter: String, ExpressibleByArgument, CaseIterable {
    case lectureReview = "lecture-review"
    case quickstart
    case vitReview = "vit-review"
    var fileName: String {
      switch self {
      case .lectureReview: return "lecture-review.md"
      case .quickstart: return "quickstart.yaml"
      case .vitReview: return "vit-review.md"
      }
    }
  }

  @Option(name: .long, help: "lecture-review (a Korean study note), quickstart (a short English .yaml pipeline) or vit-review (your own ViT: Grad-CAM on tokens, attention rollout, attention gradients).")
  var starter: Starter = .lectureReview

  @Argument(help: "The notebook to create, e.g. notes/week3.md (the starter's extension is added if missing).")
  var path: String

  func run() throws {
    try reportingErrors {
      guard let root = BundledResources.root else {
        throw CommandError("cannot find the ConvLens checkout (Templates/starters); run from it or set CONVLENS_HOME")
      }
      let starters = root.appendingPathComponent("Templates/starters")
      let source = starters.appendingPathComponent(starter.fileName)
      guard FileManager.default.fileExists(atPath: source.path) else {
        throw CommandError("starter \(source.path) is missing from the checkout")
      }
      var target = URL(fileURLWithPath: path)
      if target.pathExtension.isEmpty { target.appendPathExtension(source.pathExtension) }
      let fileManager = FileManager.default
      guard !fileManager.fileExists(atPath: target.path) else {
        throw CommandError("\(target.path) already exists; choose another path (init never overwrites)")
      }
      try fileManager.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
      // The starter's images (front matter paths relative to it) come from Reports/images.
      let notebook = try NotebookParser.load(source)
      var copied: [String] = []
      for image in notebook.frontMatter.images {
        let relative = String(image.path.dropFirst(starters.standardizedFileURL.path.count + 1))
        let destination = target.deletingLastPathComponent().appendingPathComponent(relative)
        let sample = root.appendingPathComponent("Reports/images").appendingPathComponent(destination.lastPathComponent)
        guard !fileManager.fileExists(atPath: destination.path), fileManager.fileExists(atPath: sample.path) else { continue }
        try fileManager.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        try fileManager.copyItem(at: sample, to: destination)
        copied.append(relative)
        let licence = destination.deletingLastPathComponent().appendingPathComponent("LICENSE.md")
        let sampleLicence = root.appendingPathComponent("Reports/images/LICENSE.md")
        if !fileManager.fileExists(atPath: licence.path), fileManager.fileExists(atPath: sampleLicence.path) {
          try fileManager.copyItem(at: sampleLicence, to: licence)
        }
      }
      try fileManager.copyItem(at: source, to: target)
      print("wrote \(target.path)" + (copied.isEmpty ? "" : " and \(copied.joined(separator: ", "))"))
      print("render it with: convlens render \(path.hasSuffix(target.pathExtension) ? path : target.path)")
    }
  }
}
