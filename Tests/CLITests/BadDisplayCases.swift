// Bad-input rows for the display keys, `compare` and figure cross-references: each a notebook
// error at the file:line:column of what is wrong (or the step, for a setting that does not fit
// the step's maps), the earlier report left untouched.
enum BadDisplayCases {
  static let all: [BadInputCase] = {
    func row(_ name: String, _ text: String, mentions: [String]) -> BadInputCase { BadNotebookCases.row(name, text, mentions: mentions) }
    let at = { (marker: String, text: String) in BadNotebookCases.at(marker, in: text) }
    let line = { (marker: String, text: String) in BadNotebookCases.line(marker, in: text) }
    let reference = BadNotebookCases.edited("Some prose.", "Some prose, see @fig-nowhere.")
    let badSign = BadNotebookCases.withStep("saliency: {image: red, sign: both}")
    let badClip = BadNotebookCases.withStep("saliency: {image: red, clip: 80}")
    let rgbCAM = BadNotebookCases.withStep("grad-cam: {image: red, display: rgb}")
    let badLabel = BadNotebookCases.withStep("grad-cam: {image: red, label: heat map}")
    let tableLabel = BadNotebookCases.edited(BadNotebookCases.predictLine, "predict: {top: 2, label: fig-top}")
    let evaluation = BadNotebookCases.withStep("compare: {image: red, methods: [grad-cam, sanity-check]}")
    return [
      row("notebook reference to an unknown figure label", reference, mentions: [at("@fig-nowhere", reference), "no step is labelled 'fig-nowhere'"]),
      row("notebook unknown sign", badSign, mentions: [at("both", badSign), "unknown sign 'both'"]),
      row("notebook clip out of range", badClip, mentions: [at("80", badClip), "clip must be a percentage"]),
      row("notebook display: rgb on a CAM map", rgbCAM, mentions: [line("grad-cam:", rgbCAM), "display: rgb", "CAM map has one"]),
      row("notebook malformed label", badLabel, mentions: [at("heat map", badLabel), "a label is 'fig-'"]),
      row("notebook label on a step without a figure", tableLabel, mentions: [at("label:", tableLabel), "makes no figure"]),
      row("notebook compare column that makes no map", evaluation, mentions: [at("sanity-check", evaluation), "makes none"]),
    ]
  }()
}
