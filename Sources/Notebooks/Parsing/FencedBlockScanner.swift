// The only file of Notebooks that calls cmark-gfm: finds fenced code blocks in Markdown through
// cmark's syntax tree (so fences inside other code, indented code and HTML are never mistaken for
// steps) and returns their info string, content and line span.
import CMarkGFM
import Foundation

/// A fenced code block found by cmark-gfm.
struct FencedBlock: Equatable {
  /// The first word of the info string ("convlens").
  var language: String
  var content: String
  /// 1-based lines of the opening and closing fence (the last line if unclosed), in the scanned text.
  var startLine: Int
  var endLine: Int
  /// 1-based column of the opening fence.
  var startColumn: Int
  /// False when the block sits inside a list item or block quote.
  var isTopLevel: Bool
}

enum FencedBlockScanner {
  /// Every fenced code block of `markdown`, in document order.
  static func blocks(in markdown: String) -> [FencedBlock] {
    guard let parser = cmark_parser_new(CMARK_OPT_DEFAULT) else { return [] }
    defer { cmark_parser_free(parser) }
    var bytes = Array(markdown.utf8)
    bytes.withUnsafeMutableBufferPointer { buffer in
      buffer.baseAddress?.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
        cmark_parser_feed(parser, $0, buffer.count)
      }
    }
    guard let document = cmark_parser_finish(parser) else { return [] }
    defer { cmark_node_free(document) }
    var found: [FencedBlock] = []
    func visit(_ node: OpaquePointer, depth: Int) {
      let type = cmark_node_get_type_string(node).map { String(cString: $0) } ?? ""
      // cmark writes through all three out-pointers without checking them, so none may be nil.
      var fenceLength: Int32 = 0, fenceOffset: Int32 = 0
      var fenceCharacter: CChar = 0
      if type == "code_block", cmark_node_get_fenced(node, &fenceLength, &fenceOffset, &fenceCharacter) != 0 {
        let info = cmark_node_get_fence_info(node).map { String(cString: $0) } ?? ""
        let language = info.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "{" }).first.map(String.init) ?? ""
        found.append(FencedBlock(
          language: language, content: cmark_node_get_literal(node).map { String(cString: $0) } ?? "",
          startLine: Int(cmark_node_get_start_line(node)), endLine: Int(cmark_node_get_end_line(node)),
          startColumn: Int(cmark_node_get_start_column(node)), isTopLevel: depth == 1))
      }
      var child = cmark_node_first_child(node)
      while let current = child {
        visit(current, depth: depth + 1)
        child = cmark_node_next(current)
      }
    }
    visit(document, depth: 0)
    return found
  }
}
