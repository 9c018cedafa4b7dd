// NAME.run.json: what a render ran on and how (versions, hashes, every model, per-step settings and
// model, timing, cache hits, predictions), so a report can be traced and reproduced.
import Foundation
import Methods

struct RunManifest: Encodable {
  struct FileRecord: Encodable {
    var path: String
    var sha256: String
  }
  /// One model of the notebook; `path` is relative to the notebook's folder or `bundled:FILE`.
  struct ModelRecord: Encodable {
    var name: String
    var path: String
    var sha256: String
    var preset: String
    var preprocess: String
    var labels: FileRecord?
  }
  struct ImageRecord: Encodable {
    var name: String
    var path: String
    var sha256: String
  }
  struct StepEntry: Encodable {
    var index: Int
    var step: String
    var location: String
    /// The name of the model it ran on (`default`: the front matter's `model:`).
    var model: String
    var settings: [String: StepValue]
    /// `compare`: each column's method and settings (`method` is the method's name).
    var columns: [[String: StepValue]]?
    var images: [String]
    var targets: [String]
    var seconds: Double
    var cacheHit: Bool
    var warnings: [String]?
  }
  struct ImagePredictions: Encodable {
    var image: String
    var top: [ClassInfo]
  }

  var toolVersion: String
  var notebook: String
  /// The default model, its labels and preprocessing (also first in `models`).
  var model: FileRecord
  var labels: FileRecord?
  var preprocess: String
  var models: [ModelRecord]
  var images: [ImageRecord]
  var steps: [StepEntry]
  var predictions: [ImagePredictions]

  init(notebook: Notebook, models: NotebookModels, images: [PreparedImage], records: [StepRecord],
       predictions: [(image: String, top: [ClassInfo])], toolVersion: String) {
    // Every file is named relative to the notebook's folder (never an absolute path): the manifest
    // travels with the report and must not reveal or depend on where it was rendered.
    let directory = notebook.url.deletingLastPathComponent().standardizedFileURL.path
    let relative = { (path: String) in RunManifest.relativePath(path, from: directory) }
    let file = notebook.url.lastPathComponent
    self.toolVersion = toolVersion
    self.notebook = file
    // A bundled model or labels file is named `bundled:FILE`: where ConvLens is installed is not the report's business.
    func modelRecord(_ model: ModelSource) -> ModelRecord {
      let path = model.file.bundled != nil ? "bundled:" + model.modelURL.lastPathComponent : relative(model.modelURL.standardizedFileURL.path)
      let labels = model.labelsPath.flatMap { path in
        model.labelsSHA256.map { FileRecord(path: model.spec.labels != nil ? relative(path) : "bundled:" + (path as NSString).lastPathComponent, sha256: $0) }
      }
      return ModelRecord(name: model.name, path: path, sha256: model.modelSHA256, preset: model.preset.name,
                         preprocess: model.preset.summary, labels: labels)
    }
    self.models = models.all.map(modelRecord)
    let standard = self.models[0]
    self.model = FileRecord(path: standard.path, sha256: standard.sha256)
    labels = standard.labels
    preprocess = standard.preprocess
    self.images = images.map { ImageRecord(name: $0.name, path: relative($0.path), sha256: $0.sha256) }
    steps = records.enumerated().map { index, record in
      StepEntry(index: index + 1, step: record.step.name,
                location: record.step.location.line > 0 ? "\(file):\(record.step.location.line)" : file, model: record.model,
                settings: record.step.settings,
                columns: record.step.columns.isEmpty ? nil : record.step.columns.map { $0.settings.merging(["method": .string($0.name)]) { $1 } },
                images: record.imageNames, targets: record.step.targets,
                seconds: (record.seconds * 1000).rounded() / 1000, cacheHit: record.cacheHit,
                warnings: record.output.warnings.isEmpty ? nil : record.output.warnings)
    }
    self.predictions = predictions.map { ImagePredictions(image: $0.image, top: $0.top) }
  }

  /// `path` relative to the folder `base` (both absolute and standardized), with `..` as needed.
  static func relativePath(_ path: String, from base: String) -> String {
    let target = path.split(separator: "/"), origin = base.split(separator: "/")
    var common = 0
    while common < min(target.count, origin.count), target[common] == origin[common] { common += 1 }
    let parts = Array(repeating: "..", count: origin.count - common) + target[common...].map(String.init)
    return parts.isEmpty ? "." : parts.joined(separator: "/")
  }

  func json() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(self) + Data("\n".utf8)
  }
}
