// Reads a notebook file: `.md` (YAML front matter + Markdown with ```convlens step blocks) or
// `.yaml`/`.yml` (the same keys + `cells:`), applies `-P` overrides to the front matter, and checks
// every step. Positions in errors are positions in the notebook file.
import Foundation
import Yams

public enum NotebookParser {
  /// Parses the notebook at `url`; `displayName` is how errors name the file (default: the path).
  public static func load(_ url: URL, displayName: String? = nil, overrides: [ParameterOverride] = [],
                          currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) throws -> Notebook {
    let name = displayName ?? url.path
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw NotebookError("notebook not found: \(name) (expected a .md or .yaml file)")
    }
    let data = try Data(contentsOf: url)
    guard let text = String(data: data, encoding: .utf8) else {
      throw NotebookError("\(name) is not UTF-8 text")
    }
    return try parse(text, url: url, displayName: name, overrides: overrides, currentDirectory: currentDirectory)
  }

  /// Parses notebook `text` as if read from `url` (the extension picks the front-end).
  public static func parse(_ text: String, url: URL, displayName: String, overrides: [ParameterOverride] = [],
                           currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) throws -> Notebook {
    // CommonMark and YAML end a line at "\r\n", "\r" or "\n", but the front-ends split on "\n": a lone
    // "\r" left in would make cmark's line numbers (used to cut the prose between steps) run past ours.
    let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    let directory = url.deletingLastPathComponent()
    switch url.pathExtension.lowercased() {
    case "md", "markdown":
      return try parseMarkdown(normalized, url: url, file: displayName, directory: directory, overrides: overrides, cwd: currentDirectory)
    case "yaml", "yml":
      return try parseYAML(normalized, url: url, file: displayName, directory: directory, overrides: overrides, cwd: currentDirectory)
    default:
      throw NotebookError("\(displayName): unknown notebook type '.\(url.pathExtension)'; use .md (Markdown with front matter) or .yaml")
    }
  }

  private static func applying(_ overrides: [ParameterOverride], to node: Node?, cwd: URL) throws -> Node? {
    try overrides.reduce(node) { try $1.apply(to: $0, currentDirectory: cwd) }
  }

  // MARK: Markdown

  private static func parseMarkdown(_ text: String, url: URL, file: String, directory: URL,
                                    overrides: [ParameterOverride], cwd: URL) throws -> Notebook {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var frontMatterNode: Node?
    var bodyStart = 0  // index of the first body line
    var frontMatterSource = YAMLText(text: "", file: file, lineOffset: 0, columnOffset: 0)
    if lines.first?.trimmingCharacters(in: .whitespaces) == "---" {
      guard let close = lines.indices.dropFirst().first(where: { ["---", "..."].contains(lines[$0].trimmingCharacters(in: .whitespaces)) }) else {
        throw NotebookError("the front matter opened by '---' on line 1 is never closed; end it with a '---' line",
                            at: SourceLocation(file: file, line: 1, column: 1))
      }
      frontMatterSource = YAMLText(text: lines[1..<close].joined(separator: "\n"), file: file, lineOffset: 1, columnOffset: 0)
      frontMatterNode = try frontMatterSource.compose()
      bodyStart = close + 1
    }
    let frontMatter = try FrontMatter.decode(try applying(overrides, to: frontMatterNode, cwd: cwd),
                                             source: frontMatterSource, directory: directory)
    let body = Array(lines[min(bodyStart, lines.count)...])
    var cells: [Cell] = []
    var prose: [CrossReferences.Prose] = []
    var nextProseLine = 1  // 1-based line of `body`
    func appendProse(upTo endLine: Int) {
      // Clamped on both ends: the line numbers come from cmark, not from our own split.
      let start = nextProseLine - 1, end = min(endLine, body.count)
      guard start < end else { return }
      let text = body[start..<end].joined(separator: "\n")
      guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return }
      cells.append(.markdown(text))
      prose.append(CrossReferences.Prose(text: text, firstLine: bodyStart + nextProseLine))
    }
    for block in FencedBlockScanner.blocks(in: body.joined(separator: "\n")) where block.language == "convlens" {
      let fenceLine = block.startLine + bodyStart
      guard block.isTopLevel else {
        throw NotebookError("a convlens step inside a list or quote; put the ```convlens fence at the start of a line",
                            at: SourceLocation(file: file, line: fenceLine, column: block.startColumn))
      }
      appendProse(upTo: block.startLine - 1)
      let source = YAMLText(text: block.content, file: file, lineOffset: fenceLine, columnOffset: block.startColumn - 1)
      let parser = StepParser(source: source, imageNames: frontMatter.images.map(\.name), datasetNames: frontMatter.datasets.map(\.name),
                                modelNames: frontMatter.models.map(\.name))
      var step = try parser.parse(try source.compose())
      if block.content.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
        step.location = SourceLocation(file: file, line: fenceLine, column: block.startColumn)
      }
      cells.append(.step(step))
      nextProseLine = block.endLine + 1
    }
    appendProse(upTo: body.count)
    let notebook = Notebook(url: url, displayName: file, frontMatter: frontMatter, cells: cells)
    try CrossReferences.check(steps: notebook.steps, prose: prose, lines: lines, file: file)
    return notebook
  }

  // MARK: YAML

  private static func parseYAML(_ text: String, url: URL, file: String, directory: URL,
                                overrides: [ParameterOverride], cwd: URL) throws -> Notebook {
    let source = YAMLText(text: text, file: file, lineOffset: 0, columnOffset: 0)
    let root = try source.compose()
    var frontPairs: [(Node, Node)] = []
    var cellsNode: Node?
    if let root, !root.isNull {
      guard case .mapping(let mapping) = root else {
        throw NotebookError("a .yaml notebook is a mapping: title, model, images, ..., cells", at: source.location(of: root))
      }
      for pair in mapping {
        if pair.key.scalarText == "cells" { cellsNode = pair.value } else { frontPairs.append((pair.key, pair.value)) }
      }
    }
    let frontNode: Node? = frontPairs.isEmpty ? nil : Node(frontPairs)
    let frontMatter = try FrontMatter.decode(try applying(overrides, to: frontNode, cwd: cwd), source: source, directory: directory)
    var cells: [Cell] = []
    var prose: [CrossReferences.Prose] = []
    if let cellsNode, !cellsNode.isNull {
      guard case .sequence(let items) = cellsNode else {
        throw NotebookError("'cells' must be a list: each item `markdown: |` or one step", at: source.location(of: cellsNode))
      }
      let parser = StepParser(source: source, imageNames: frontMatter.images.map(\.name), datasetNames: frontMatter.datasets.map(\.name),
                                modelNames: frontMatter.models.map(\.name))
      for item in items {
        if let pairs = item.orderedPairs, pairs.count == 1, pairs[0].key == "markdown" {
          guard let markdown = pairs[0].value.scalarText else {
            throw NotebookError("'markdown' must be text (use `markdown: |` and indent the prose)", at: source.location(of: pairs[0].value))
          }
          cells.append(.markdown(markdown))
          prose.append(CrossReferences.Prose(text: markdown, firstLine: max(1, source.location(of: pairs[0].value).line)))
        } else {
          cells.append(.step(try parser.parse(item)))
        }
      }
    }
    let notebook = Notebook(url: url, displayName: file, frontMatter: frontMatter, cells: cells)
    try CrossReferences.check(steps: notebook.steps, prose: prose, lines: text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init),
                              file: file)
    return notebook
  }
}
