// Notebook cells + step results -> the document both backends render.
import Document
import Foundation

enum ReportAssembler {
  static func document(_ run: NotebookRun) throws -> ReportDocument {
    let notebook = run.notebook, front = notebook.frontMatter
    var blocks: [Block] = []
    var stepNumber = 0
    var records = run.records.makeIterator()
    for cell in notebook.cells {
      switch cell {
      case .markdown(let text):
        blocks.append(.markdown(text))
      case .step:
        stepNumber += 1
        guard let record = records.next() else { continue }
        var made: [Block]
        do {
          let model = run.models.model(named: record.model) ?? run.models.standard
          // The pictures as the step's model saw them (its preset's resize and crop).
          let pictures = try run.models.images(for: model)
          let images = Dictionary(pictures.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
          made = try FigureBuilder(images: images, stepNumber: stepNumber, model: FigureBuilder.convention(for: model)).blocks(for: record)
        } catch {
          let message = (error as? NotebookError)?.message ?? "\(error)"
          throw NotebookError("step '\(record.step.name)': its figure could not be built: \(message)", at: record.step.location)
        }
        if let label = record.step.label { try attach(label, to: &made, of: record.step) }
        blocks += made
      }
    }
    return ReportDocument(title: front.title ?? notebook.name, subtitle: front.subtitle, author: front.author, date: front.date,
                          language: front.language ?? guessLanguage(notebook), blocks: blocks)
  }

  /// Gives the step's first figure, grid or chart its `label:` (what `@label` in prose links to).
  static func attach(_ label: String, to blocks: inout [Block], of step: Step) throws {
    if let index = blocks.firstIndex(where: { $0.counter == .figure }) {
      blocks[index].label = label
      return
    }
    throw NotebookError("step '\(step.name)' is labelled '\(label)' but makes no figure to refer to", at: step.keyLocations["label"] ?? step.location)
  }

  /// "ko" when the title or prose has Hangul, else "en".
  static func guessLanguage(_ notebook: Notebook) -> String {
    let texts = [notebook.frontMatter.title ?? ""] + notebook.cells.compactMap {
      if case .markdown(let text) = $0 { return text } else { return nil }
    }
    let hangul = texts.contains { text in text.unicodeScalars.contains { (0xAC00...0xD7A3).contains($0.value) } }
    return hangul ? "ko" : "en"
  }
}
