// Notebook rows of the bad-input table. Each first renders the good `report.md` into `out/`, then
// overwrites report.md with a broken version and renders it into the same folder: the error must
// point at the notebook's file:line:column and the earlier report must stay byte-identical.
import Foundation

enum BadNotebookCases {
  /// The good notebook with `old` replaced by `new` (which must occur).
  static func edited(_ old: String, _ new: String) -> String {
    precondition(Scratch.goodNotebook.contains(old), "\(old) not in the good notebook")
    return Scratch.goodNotebook.replacingOccurrences(of: old, with: new)
  }

  static let predictLine = "predict: {top: 2}"

  /// A row rendering `text` as report.md; `mentions` may use `at(marker)` for a location.
  static func row(_ name: String, _ text: String, mentions: [String], extra: [String] = [],
                  setup: @escaping @Sendable (Scratch) throws -> Void = { _ in }) -> BadInputCase {
    BadInputCase(name, mentions: mentions, rendersFirst: true) { scratch in
      try setup(scratch)
      try scratch.write("report.md", text)
      return Scratch.renderArguments(extra)
    }
  }

  /// `report.md:L:C` of `marker` in `text`.
  static func at(_ marker: String, in text: String) -> String { location(of: marker, in: text) }

  /// `report.md:L:` of the line holding `marker` (YAML syntax errors: the column is Yams's choice).
  static func line(_ marker: String, in text: String) -> String {
    String(location(of: marker, in: text).split(separator: ":").prefix(2).joined(separator: ":")) + ":"
  }

  /// The good notebook with a second step block after more prose.
  static func withStep(_ step: String) -> String {
    edited(predictLine, predictLine + "\n```\n\nMore prose.\n\n```convlens\n" + step)
  }

  static let all: [BadInputCase] = syntaxAndTypes + namesAndFiles + BadDisplayCases.all + SafeModeCases.all

  static let syntaxAndTypes: [BadInputCase] = {
    let frontSyntax = edited("title: Tiny report", "title: Tiny: report")
    let stepSyntax = edited(predictLine, "predict: top: 2")
    let listTitle = edited("title: Tiny report", "title: [a, b]")
    let badTop = edited(predictLine, "predict: {top: many}")
    let badSeed = edited("preprocess: none", "preprocess: none\nseed: -3")
    let unclosed = Scratch.goodNotebook.replacingOccurrences(of: "blue: blue.png\n---", with: "blue: blue.png\n")
    let empty = withStep("")
    let twoSteps = withStep("grad-cam: {image: red}\nocclusion: {image: red}")
    return [
      row("notebook YAML syntax error in the front matter", frontSyntax, mentions: [line("title:", in: frontSyntax), "YAML syntax error"]),
      row("notebook YAML syntax error in a step block", stepSyntax, mentions: [line("predict:", in: stepSyntax), "YAML syntax error"]),
      row("notebook front-matter value of the wrong type", listTitle, mentions: [at("[a, b]", in: listTitle), "'title' must be a single value"]),
      row("notebook step setting of the wrong type", badTop, mentions: [at("many", in: badTop), "'top' must be a positive integer"]),
      row("notebook negative seed", badSeed, mentions: [at("-3", in: badSeed), "'seed'"]),
      row("notebook front matter never closed", unclosed, mentions: ["report.md:1:1", "never closed"]),
      row("notebook empty step block", empty, mentions: ["empty convlens step"]),
      row("notebook two steps in one block", twoSteps, mentions: [at("grad-cam:", in: twoSteps), "exactly one step"]),
      row("notebook unknown outputs kind", edited("preprocess: none", "preprocess: none\noutputs: [docx]"),
          mentions: ["report.md:6:", "'outputs' lists pdf and/or html"]),
    ]
  }()

  static let namesAndFiles: [BadInputCase] = {
    let typoKey = edited("model: tiny", "modle: tiny")
    let typoStep = withStep("grad-cma: {image: red}")
    let typoSetting = withStep("grad-cam: {image: red, layr: x}")
    let typoImage = withStep("grad-cam: {image: redd}")
    let duplicate = edited("blue: blue.png", "red: blue.png")
    let missingImage = edited("blue: blue.png", "blue: nowhere.png")
    let missingModel = edited("model: tiny_classifier.onnx", "model: missing.onnx")
    let missingLabels = edited("labels: tiny_labels.txt", "labels: missing.txt")
    let brokenModel = edited("model: tiny_classifier.onnx", "model: broken.onnx")
    let midRun = withStep("grad-cam: {layer: no-such-layer}")
    let declaresOther = { (text: String) in text.replacingOccurrences(of: "preprocess: none", with: "preprocess: none\nmodels:\n  other: tiny_classifier.onnx") }
    let typoModel = declaresOther(withStep("grad-cam: {image: red, model: othr}"))
    let modelsTypoKey = edited("preprocess: none", "preprocess: none\nmodels:\n  other: {path: tiny_classifier.onnx, lables: x.txt}")
    let unknownBundled = edited("model: tiny_classifier.onnx", "model: bundled:squeezenet")
    let datasetMissing = withStep("neighbours: {image: red, dataset: shapes}")
      .replacingOccurrences(of: "preprocess: none", with: "preprocess: none\ndatasets:\n  shapes: {type: folder, path: shapes}")
    return [
      row("notebook unknown front-matter key suggests the known one", typoKey, mentions: [at("modle", in: typoKey), "did you mean 'model'"]),
      row("notebook unknown step suggests the method", typoStep, mentions: [at("grad-cma", in: typoStep), "'grad-cam'"]),
      row("notebook unknown setting suggests the setting", typoSetting, mentions: [at("layr", in: typoSetting), "'layer'"]),
      row("notebook unknown image name suggests the image", typoImage, mentions: [at("redd", in: typoImage), "'red'"]),
      row("notebook unknown step model suggests the declared one", typoModel,
          mentions: [at("othr", in: typoModel), "no model named 'othr'", "did you mean 'other'"]),
      row("notebook models: entry with an unknown key suggests the key", modelsTypoKey,
          mentions: [at("lables", in: modelsTypoKey), "model 'other'", "did you mean 'labels'"]),
      row("notebook unknown bundled model lists the bundled ones", unknownBundled,
          mentions: [at("bundled:", in: unknownBundled), "unknown bundled model 'squeezenet'", "did you mean 'bundled:squeezenet1.1'"]),
      row("notebook duplicate image names", duplicate, mentions: ["report.md:", "duplicate key 'red'"]),
      row("notebook image file missing", missingImage, mentions: [at("nowhere.png", in: missingImage), "image 'blue' not found"]),
      row("notebook model file missing", missingModel, mentions: [at("model:", in: missingModel), "missing.onnx"]),
      row("notebook labels file missing", missingLabels, mentions: [at("labels:", in: missingLabels), "missing.txt"]),
      row("notebook naming a corrupt model fails at the step", brokenModel, mentions: [at("predict:", in: brokenModel), "step 'predict' failed", "broken.onnx", "holds no graph"]) { scratch in
        try scratch.write("broken.onnx", Data([0x08, 0x08, 0x38, 0x05]))
      },
      row("notebook step failing mid-run names the step and its line", midRun,
          mentions: [line("grad-cam:", in: midRun), "step 'grad-cam' failed", "no-such-layer"]),
      row("notebook image that is a truncated PNG", edited("blue: blue.png", "blue: cut.png"),
          mentions: [at("cut.png", in: edited("blue: blue.png", "blue: cut.png")), "image 'blue'", "PNG"]) { scratch in
        try scratch.write("cut.png", try Data(contentsOf: scratch.url("blue.png")).prefix(40))
      },
      row("notebook image declaring 60000x60000", edited("blue: blue.png", "blue: huge.png"),
          mentions: [at("huge.png", in: edited("blue: blue.png", "blue: huge.png")), "60000"]) { scratch in
        try scratch.write("huge.png", BadImages.pngDeclaring(width: 60_000, height: 60_000, from: try Data(contentsOf: scratch.url("blue.png"))))
      },
      row("notebook dataset folder missing names its declaration", datasetMissing,
          mentions: [at("shapes:", in: datasetMissing), "dataset 'shapes'", "not found"]),
      row("notebook theme with a broken template", edited("preprocess: none", "preprocess: none\ntheme: theme"),
          mentions: ["report.html.mustache", "Mustache"]) { scratch in
        try scratch.write("theme/report.html.mustache", "{{#blocks}} never closed")
      },
      BadInputCase("notebook -P override naming a missing image", mentions: ["image 'blue' not found", "gone.png"], rendersFirst: true) { _ in
        Scratch.renderArguments(["-P", "images.blue=gone.png"])
      },
      BadInputCase("notebook --template folder missing", mentions: ["no-such-templates"], rendersFirst: true) { _ in
        Scratch.renderArguments(["--template", "no-such-templates"])
      },
      BadInputCase("YAML notebook with a syntax error", mentions: ["report.yaml:4:", "YAML syntax error"], rendersFirst: true) { scratch in
        try scratch.write("report.yaml", "title: Tiny\nmodel: tiny_classifier.onnx\nimages: {red: red.png\ncells:\n  - predict: {top: 1}\n")
        return Scratch.renderArguments(notebook: "report.yaml")
      },
      BadInputCase("notebook file missing", mentions: ["notebook not found", "missing.md"], rendersFirst: true) { _ in
        Scratch.renderArguments(notebook: "missing.md")
      },
      BadInputCase("notebook of an unknown file type", mentions: ["report.txt", "unknown notebook type"], rendersFirst: true) { scratch in
        try scratch.write("report.txt", Scratch.goodNotebook)
        return Scratch.renderArguments(notebook: "report.txt")
      },
      BadInputCase("notebook that is not UTF-8", mentions: ["report.md", "UTF-8"], rendersFirst: true) { scratch in
        try scratch.write("report.md", Data([0x2D, 0x2D, 0x2D, 0x0A, 0xFF, 0xFE, 0xC3, 0x28, 0x0A]))
        return Scratch.renderArguments()
      },
    ]
  }()
}

/// `render --safe` rows: every path the notebook names must resolve inside its folder.
enum SafeModeCases {
  static let outsideImage = CLI.root.appendingPathComponent("Reports/images/chelsea.png").path
  static let outsideLabels = Scratch.notebookFixtures.appendingPathComponent("tiny_labels.txt").path

  static func row(_ name: String, _ text: String, mentions: [String], extra: [String] = [],
                  setup: @escaping @Sendable (Scratch) throws -> Void = { _ in }) -> BadInputCase {
    BadNotebookCases.row(name, text, mentions: ["--safe"] + mentions, extra: ["--safe"] + extra, setup: setup)
  }

  static let all: [BadInputCase] = {
    let edited = { (old: String, new: String) in BadNotebookCases.edited(old, new) }
    let at = { (marker: String, text: String) in BadNotebookCases.at(marker, in: text) }
    let relative = edited("blue: blue.png", "blue: ../elsewhere/blue.png")
    let absolute = edited("blue: blue.png", "blue: \(outsideImage)")
    let linked = edited("blue: blue.png", "blue: link.png")
    let linkedFolder = edited("blue: blue.png", "blue: pictures/chelsea.png")
    let model = edited("model: tiny_classifier.onnx", "model: \(CLI.fixture("unsupported-op.onnx"))")
    let labels = edited("labels: tiny_labels.txt", "labels: \(outsideLabels)")
    let dataset = edited("preprocess: none", "preprocess: none\ndatasets:\n  shapes: {type: folder, path: ../shapes}")
    let models = edited("preprocess: none", "preprocess: none\nmodels:\n  lite: bundled:efficientnet-lite0\n  other: \(CLI.fixture("unsupported-op.onnx"))")
    let theme = edited("preprocess: none", "preprocess: none\ntheme: \(CLI.root.appendingPathComponent("Templates/html").path)")
    return [
      row("--safe refuses an image path climbing out with ..", relative, mentions: [at("../elsewhere", relative), "image 'blue'", "outside"]),
      row("--safe refuses an absolute image path elsewhere", absolute, mentions: [at(outsideImage, absolute), "image 'blue'"]),
      row("--safe refuses a symlink inside the folder pointing outside", linked, mentions: [at("link.png", linked), "chelsea.png"]) { scratch in
        try FileManager.default.createSymbolicLink(atPath: scratch.url("link.png").path, withDestinationPath: outsideImage)
      },
      row("--safe refuses a path through a symlinked folder", linkedFolder, mentions: [at("pictures/", linkedFolder), "image 'blue'"]) { scratch in
        try FileManager.default.createSymbolicLink(atPath: scratch.url("pictures").path,
                                                   withDestinationPath: CLI.root.appendingPathComponent("Reports/images").path)
      },
      row("--safe refuses a model outside the folder", model, mentions: [at("model:", model), "the model"]),
      row("--safe refuses a models: path outside the folder (a bundled one passes)", models,
          mentions: [at(CLI.fixture("unsupported-op.onnx"), models), "model 'other'", "outside"]),
      row("--safe refuses a labels file outside the folder", labels, mentions: [at("labels:", labels), "labels"]),
      row("--safe refuses a dataset outside the folder", dataset, mentions: [at("shapes:", dataset), "dataset 'shapes'"]),
      row("--safe refuses a theme folder outside", theme, mentions: [at("theme:", theme), "theme"]),
      row("--safe refuses a --template folder outside", Scratch.goodNotebook, mentions: ["--template", "outside"],
          extra: ["--template", CLI.root.appendingPathComponent("Templates/html").path]),
      row("--safe refuses a -P override pointing outside", Scratch.goodNotebook, mentions: ["-P", "image 'blue'"],
          extra: ["-P", "images.blue=\(outsideImage)"]),
    ]
  }()
}
