// Runs a notebook's steps in order, each from the cache when its content hash matches, and keeps
// what the report and the run manifest need. A failing step stops the run with its location; no
// output file has been touched at that point.
import Datasets
import Engine
import Foundation
import Imaging
import Methods
import ModelLoading

/// Builds the dataset a step names; provided by the Datasets module (nil: datasets unsupported).
public typealias DatasetFactory = @Sendable (DatasetSpec) throws -> any DatasetSource

public struct RunOptions: Sendable {
  public var useCache: Bool
  /// Part of every cache key and of the manifest.
  public var toolVersion: String
  public var progress: ProgressReporter
  public var datasetFactory: DatasetFactory?

  public init(useCache: Bool = true, toolVersion: String, progress: ProgressReporter = .silent,
              datasetFactory: DatasetFactory? = nil) {
    self.useCache = useCache
    self.toolVersion = toolVersion
    self.progress = progress
    self.datasetFactory = datasetFactory
  }
}

/// One step's result with how it was obtained.
struct StepRecord {
  var step: Step
  /// The name of the model it ran on (`NotebookRun.models`).
  var model: String = ModelSpec.defaultName
  var output: StepOutput
  /// The images the step ran on, in batch order (image index i is `imageNames[i]`).
  var imageNames: [String]
  var seconds: Double
  var cacheHit: Bool
}

/// Everything a run produced: what the document builder and the manifest read.
struct NotebookRun {
  var notebook: Notebook
  var models: NotebookModels
  /// The images as the default model saw them.
  var images: [PreparedImage]
  var records: [StepRecord]
  var manifest: RunManifest
}

struct NotebookRunner {
  let notebook: Notebook
  let options: RunOptions

  func run() throws -> NotebookRun {
    let models = try NotebookModels(notebook.frontMatter, notebookFile: notebook.displayName)
    let images = try models.images(for: models.standard)
    let cache = StepCache(notebookDirectory: notebook.url.deletingLastPathComponent(), enabled: options.useCache)
    let steps = notebook.steps
    // Every model a step uses, with its class names read, before anything runs: a bad labels file
    // stops the render here, not halfway through.
    let stepModels = try steps.map { try models.model(for: $0) }
    for model in [models.standard] + stepModels { _ = try model.classNames() }
    var records: [StepRecord] = []
    for (index, (step, model)) in zip(steps, stepModels).enumerated() {
      defer { EngineMemory.releaseIdleBuffers() }  // one step's idle buffers must not add to the next one's peak
      options.progress.step(index + 1, of: steps.count, "\(step.name) (\(step.location.fileAndLine))")
      let start = Date()
      let selected = try select(step, from: try models.images(for: model))
      let output: StepOutput, cacheHit: Bool
      if step.name == BuiltInStep.compare {
        // Each column is the step it would be on its own, cached as such (a standalone grad-cam
        // step with the same settings shares its result).
        var columns: [MethodOutput] = []
        var allCached = true
        for var column in step.columns {
          (column.images, column.targets) = (step.images, step.targets)
          let (columnOutput, hit) = try result(of: column, images: selected, model: model, cache: cache)
          switch columnOutput.payload {
          case .layerMaps, .pixelAttributions: break
          case .imageGrid, .embedding, .neighbours, .table, .curve, .evaluation, .predictions:
            throw NotebookError("compare shows maps; '\(column.name)' returns none", at: column.location)
          }
          columns.append(columnOutput)
          allCached = allCached && hit
        }
        (output, cacheHit) = (.comparison(columns), allCached)
      } else {
        let (single, hit) = try result(of: step, images: selected, model: model, cache: cache)
        (output, cacheHit) = (.method(single), hit)
      }
      records.append(StepRecord(step: step, model: model.name, output: output, imageNames: selected.map(\.name), seconds: Date().timeIntervalSince(start),
                                cacheHit: cacheHit))
    }
    // The manifest's predictions are the default model's, as before there were several.
    let predictions = try manifestPredictions(images: images, model: models.standard, cache: cache)
    let manifest = RunManifest(notebook: notebook, models: models, images: images, records: records,
                               predictions: predictions, toolVersion: options.toolVersion)
    return NotebookRun(notebook: notebook, models: models, images: images, records: records, manifest: manifest)
  }

  /// The step's output from the cache, or computed (and stored); true when it came from the cache.
  private func result(of step: Step, images selected: [PreparedImage], model: ModelSource, cache: StepCache) throws -> (MethodOutput, Bool) {
    let key = try CacheKeyMaterial(
      toolVersion: options.toolVersion, modelSHA256: model.modelSHA256, labelsSHA256: model.labelsSHA256,
      preprocess: model.preset.summary, step: step.name, settings: step.settings, imageSHA256: selected.map(\.sha256),
      targets: step.targets, seed: notebook.frontMatter.seed, dataset: try step.dataset.map { try datasetKey($0) }).key()
    if let cached = cache.load(key) {
      cached.warnings.forEach { options.progress.warn("\(step.location.fileAndLine): \($0)") }
      return (cached, true)
    }
    let output: MethodOutput
    do {
      output = try compute(step, images: selected, model: model)
    } catch let error as NotebookError where error.location != nil {
      throw error
    } catch {
      let message = (error as? NotebookError)?.message ?? "\(error)"
      throw NotebookError("step '\(step.name)' failed: \(message)", at: step.location)
    }
    output.warnings.forEach { options.progress.warn("\(step.location.fileAndLine): \($0)") }
    cache.store(output, key: key)
    return (output, false)
  }

  private func select(_ step: Step, from images: [PreparedImage]) throws -> [PreparedImage] {
    let chosen = step.images.isEmpty ? images : step.images.compactMap { name in images.first { $0.name == name } }
    guard !chosen.isEmpty || step.dataset != nil else {
      throw NotebookError("step '\(step.name)' has no image to run on; add `images:` to the front matter", at: step.location)
    }
    if let first = chosen.first, let odd = chosen.first(where: { $0.tensor.shape != first.tensor.shape }) {
      throw NotebookError("images '\(first.name)' \(first.tensor.shape) and '\(odd.name)' \(odd.tensor.shape) differ in size "
                          + "after preprocessing; run them in separate steps", at: step.location)
    }
    return chosen
  }

  private func datasetKey(_ name: String) throws -> String {
    guard let spec = notebook.frontMatter.datasets.first(where: { $0.name == name }) else { return name }
    let options = spec.options.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    let contents: String
    do {
      contents = try NotebookDatasets.fingerprint(spec)
    } catch let error as NotebookError where error.location == nil {
      // Located where the dataset is declared: that is the line to fix.
      throw NotebookError("dataset '\(name)': \(error.message)", at: spec.location)
    }
    return "\(spec.type):\(spec.limit.map(String.init) ?? "all"):\(options):\(contents)"
  }

  private func compute(_ step: Step, images: [PreparedImage], model: ModelSource) throws -> MethodOutput {
    let loaded = try model.model()
    if step.name == BuiltInStep.predict {
      var top = 5
      if case .int(let value) = step.settings["top"] { top = value }
      let predictions = try Predictions.top(top, network: loaded.network, images: images.map(\.tensor), label: loaded.label)
      return MethodOutput(.predictions(predictions), conventions: [
        Convention("method", "predict"), Convention("probability", "softmax of the model output"),
        Convention("preprocess", model.preset.summary),
      ])
    }
    var dataset: (any DatasetSource)?
    if let name = step.dataset, let spec = notebook.frontMatter.datasets.first(where: { $0.name == name }) {
      do {
        if let factory = options.datasetFactory {
          dataset = try factory(spec)
        } else {
          let shape = images.first?.tensor.shape ?? loaded.network.declaredInputShape ?? [1, 3, 224, 224]
          dataset = try NotebookDatasets.load(spec, preset: model.preset, height: shape[2], width: shape[3],
                                              seed: notebook.frontMatter.seed)
        }
      } catch {
        throw NotebookError("dataset '\(name)' (\(spec.location)): \(error)")
      }
    }
    let method = try StepMethods.make(step.name, settings: step.settings)
    let progress = options.progress
    let context = MethodContext(
      network: loaded.network, images: Tensor.batch(images.map(\.tensor)), classNames: try model.classNames(),
      targets: step.targets.map { ClassTarget.parse($0) }, seed: notebook.frontMatter.seed, dataset: dataset,
      progress: { name, done, total in progress.detail(name, done: done, total: total) })
    var output = try method.run(context)
    output.warnings += (dataset as? ImageDataset)?.warnings ?? []
    return output
  }

  /// The top-5 classes of every image for the manifest, by image name (cached like a step).
  private func manifestPredictions(images: [PreparedImage], model: ModelSource, cache: StepCache) throws -> [(image: String, top: [ClassInfo])] {
    guard !images.isEmpty else { return [] }
    let key = try CacheKeyMaterial(
      toolVersion: options.toolVersion, modelSHA256: model.modelSHA256, labelsSHA256: model.labelsSHA256,
      preprocess: model.preset.summary, step: "manifest-predictions", settings: ["top": .int(5)],
      imageSHA256: images.map(\.sha256), targets: [], seed: 0, dataset: nil).key()
    var predictions: Predictions
    if let cached = cache.load(key), case .predictions(let stored) = cached.payload {
      predictions = stored
    } else {
      let loaded = try model.model()
      predictions = try Predictions.top(5, network: loaded.network, images: images.map(\.tensor), label: loaded.label)
      cache.store(MethodOutput(.predictions(predictions), conventions: []), key: key)
    }
    return predictions.items.map { (images[$0.imageIndex].name, $0.top) }
  }
}
