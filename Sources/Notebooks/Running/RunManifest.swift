// NAME.run.json: what a render ran on and how (versions, hashes, per-step settings, timing,
// cache hits, predictions), so a report can be traced and reproduced.
import Foundation

struct RunManifest: Encodable {
  struct FileRecord: Encodable {
    var path: String
    var sha256: String
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
    var settings: [String: StepValue]
    var images: [String]
    var targets: [String]
    var seconds: Double
    var cacheHit: Bool
  }
  struct Prediction: Encodable {
    var index: Int
    var label: String
    var probability: Float
  }
  struct ImagePredictions: Encodable {
    var image: String
    var top: [Prediction]
  }

  var toolVersion: String
  var notebook: String
  var model: FileRecord
  var labels: FileRecord?
  var preprocess: String
  var images: [ImageRecord]
  var steps: [StepEntry]
  var predictions: [ImagePredictions]

  init(notebook: Notebook, model: ModelSource, images: [PreparedImage], records: [StepRecord],
       predictions: [ImagePrediction], toolVersion: String) {
    let directory = notebook.url.deletingLastPathComponent().standardizedFileURL.path
    func relative(_ path: String) -> String {
      path.hasPrefix(directory + "/") ? String(path.dropFirst(directory.count + 1)) : path
    }
    self.toolVersion = toolVersion
    self.notebook = notebook.displayName
    self.model = FileRecord(path: relative(model.modelURL.standardizedFileURL.path), sha256: model.modelSHA256)
    labels = model.labelsPath.flatMap { path in model.labelsSHA256.map { FileRecord(path: relative(path), sha256: $0) } }
    preprocess = model.preset.summary
    self.images = images.map { ImageRecord(name: $0.name, path: relative($0.path), sha256: $0.sha256) }
    steps = records.enumerated().map { index, record in
      StepEntry(index: index + 1, step: record.step.name, location: record.step.location.fileAndLine,
                settings: record.step.settings, images: record.output.imageNames, targets: record.step.targets,
                seconds: (record.seconds * 1000).rounded() / 1000, cacheHit: record.cacheHit)
    }
    self.predictions = predictions.map { prediction in
      ImagePredictions(image: prediction.image, top: prediction.top.map {
        Prediction(index: $0.index, label: $0.label, probability: $0.probability)
      })
    }
  }

  func json() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(self) + Data("\n".utf8)
  }
}
