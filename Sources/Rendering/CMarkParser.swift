// The only file that calls cmark-gfm: parses Markdown (GFM tables, strikethrough, autolinks) into
// plain Swift nodes, each top-level block also carrying cmark-gfm's own (safe) HTML rendering.
import CMarkGFM
import Document
import Foundation

/// One cmark-gfm node copied into Swift. `type` is cmark's type string ("paragraph", "heading",
/// "text", "emph", "strong", "code", "code_block", "link", "list", "item", "table", "table_row",
/// "table_cell", "strikethrough", "html_block", "html_inline", "softbreak", "linebreak", ...).
struct MarkdownNode: Sendable, Equatable {
  var type: String
  var literal = ""
  var url = ""
  var headingLevel = 0
  var listOrdered = false
  var listStart = 1
  var fenceInfo = ""
  var isHeaderRow = false
  var tableAlignments: [ColumnAlignment] = []
  var children: [MarkdownNode] = []
  /// cmark-gfm's HTML for this node (top-level blocks only): raw HTML shown as escaped text,
  /// unsafe link schemes dropped, remote images turned into links.
  var html = ""

  /// Concatenated text of all descendants (headings, alt text).
  var plainText: String {
    switch type {
    case "text", "code", "code_block": return literal
    case "softbreak", "linebreak": return " "
    default: return children.map(\.plainText).joined()
    }
  }
}

enum MarkdownParser {
  /// Parses `source` and returns the document's top-level blocks.
  /// Default options only (no CMARK_OPT_UNSAFE), and raw HTML turned into visible text first.
  /// `references`: figure labels -> (link text, anchor); each `@label` in the text becomes that link.
  static func parse(_ source: String, references: [String: (text: String, anchor: String)] = [:]) -> [MarkdownNode] {
    cmark_gfm_core_extensions_ensure_registered()
    // Table cells get style="text-align: ..." (not align=), which the report's CSS cannot override.
    let options = CMARK_OPT_DEFAULT | CMARK_OPT_TABLE_PREFER_STYLE_ATTRIBUTES
    guard let parser = cmark_parser_new(options) else { return [] }
    defer { cmark_parser_free(parser) }
    for name in ["table", "strikethrough", "autolink"] {
      if let extensionPointer = cmark_find_syntax_extension(name) {
        cmark_parser_attach_syntax_extension(parser, extensionPointer)
      }
    }
    var bytes = Array(source.utf8)
    bytes.withUnsafeMutableBufferPointer { buffer in
      buffer.baseAddress?.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
        cmark_parser_feed(parser, $0, buffer.count)
      }
    }
    guard let document = cmark_parser_finish(parser) else { return [] }
    defer { cmark_node_free(document) }
    replaceRemoteImagesWithLinks(in: document)
    escapeRawHTML(in: document)
    if !references.isEmpty { linkFigureReferences(in: document, references) }
    let extensions = cmark_parser_get_syntax_extensions(parser)
    var blocks: [MarkdownNode] = []
    var child = cmark_node_first_child(document)
    while let node = child {
      var block = convert(node)
      if let rendered = cmark_render_html(node, options, extensions) {
        block.html = String(cString: rendered)
        free(rendered)
      }
      blocks.append(block)
      child = cmark_node_next(node)
    }
    return blocks
  }

  /// Images load from wherever their URL points; a self-contained report must not fetch anything,
  /// so every image whose URL is not a `data:image/` URI becomes a link with the alt text.
  private static func replaceRemoteImagesWithLinks(in document: OpaquePointer) {
    let images = nodes(in: document) { node in
      guard cmark_node_get_type(node) == CMARK_NODE_IMAGE else { return false }
      let url = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
      return !url.lowercased().hasPrefix("data:image/")
    }
    for image in images {
      guard let link = cmark_node_new(CMARK_NODE_LINK) else { continue }
      cmark_node_set_url(link, cmark_node_get_url(image))
      cmark_node_set_title(link, cmark_node_get_title(image))
      while let child = cmark_node_first_child(image) {
        cmark_node_unlink(child)
        cmark_node_append_child(link, child)
      }
      cmark_node_insert_before(image, link)
      cmark_node_unlink(image)
      cmark_node_free(image)
    }
  }

  /// Every node below `root` (depth first) that `matches`, collected before any is changed, since
  /// the callers unlink and free what they find.
  private static func nodes(in root: OpaquePointer, where matches: (OpaquePointer) -> Bool) -> [OpaquePointer] {
    var found: [OpaquePointer] = []
    func visit(_ node: OpaquePointer) {
      if matches(node) { found.append(node) }
      var child = cmark_node_first_child(node)
      while let next = child {
        visit(next)
        child = cmark_node_next(next)
      }
    }
    visit(root)
    return found
  }

  /// Raw HTML in the notes is shown, not obeyed: every HTML node becomes text with the same
  /// characters (cmark escapes text when rendering), a block one inside its own paragraph, so the
  /// reader sees what was typed and neither backend ever emits the user's markup.
  private static func escapeRawHTML(in document: OpaquePointer) {
    let htmlNodes = nodes(in: document) { node in
      let type = cmark_node_get_type(node)
      return type == CMARK_NODE_HTML_INLINE || type == CMARK_NODE_HTML_BLOCK
    }
    for node in htmlNodes {
      let isBlock = cmark_node_get_type(node) == CMARK_NODE_HTML_BLOCK
      var literal = cmark_node_get_literal(node).map { String(cString: $0) } ?? ""
      if isBlock { while literal.hasSuffix("\n") { literal.removeLast() } }
      guard let text = cmark_node_new(CMARK_NODE_TEXT) else { continue }
      cmark_node_set_literal(text, literal)
      var replacement = text
      if isBlock {
        guard let paragraph = cmark_node_new(CMARK_NODE_PARAGRAPH) else { cmark_node_free(text); continue }
        cmark_node_append_child(paragraph, text)
        replacement = paragraph
      }
      cmark_node_insert_before(node, replacement)
      cmark_node_unlink(node)
      cmark_node_free(node)
    }
  }

  /// `@fig-x` in plain text (not in code, links or image alt text) becomes a link "Figure N" to
  /// `#fig-N`: the same node in cmark's HTML and in the paged backend's link list.
  private static func linkFigureReferences(in document: OpaquePointer, _ references: [String: (text: String, anchor: String)]) {
    // Unmatched emphasis delimiters ("_") leave a text run in pieces; join them so a label is whole.
    cmark_consolidate_text_nodes(document)
    let texts = nodes(in: document) { node in
      guard cmark_node_get_type(node) == CMARK_NODE_TEXT else { return false }
      var parent = cmark_node_parent(node)
      while let current = parent {
        let type = cmark_node_get_type(current)
        if type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE { return false }
        parent = cmark_node_parent(current)
      }
      return true
    }
    for node in texts {
      let literal = cmark_node_get_literal(node).map { String(cString: $0) } ?? ""
      let matches = FigureReference.find(in: literal).filter { references[$0.label] != nil }
      guard !matches.isEmpty else { continue }
      let characters = Array(literal)
      var position = 0
      func insertText(_ text: String) {
        guard !text.isEmpty, let piece = cmark_node_new(CMARK_NODE_TEXT) else { return }
        cmark_node_set_literal(piece, text)
        cmark_node_insert_before(node, piece)
      }
      for match in matches {
        guard let target = references[match.label], let link = cmark_node_new(CMARK_NODE_LINK),
              let text = cmark_node_new(CMARK_NODE_TEXT) else { continue }
        insertText(String(characters[position..<match.offset]))
        cmark_node_set_url(link, "#" + target.anchor)
        cmark_node_set_literal(text, target.text)
        cmark_node_append_child(link, text)
        cmark_node_insert_before(node, link)
        position = match.offset + match.length
      }
      insertText(String(characters[position...]))
      cmark_node_unlink(node)
      cmark_node_free(node)
    }
  }

  private static func convert(_ node: OpaquePointer) -> MarkdownNode {
    let type = cmark_node_get_type_string(node).map { String(cString: $0) } ?? "unknown"
    var result = MarkdownNode(type: type)
    result.literal = cmark_node_get_literal(node).map { String(cString: $0) } ?? ""
    switch type {
    case "heading":
      result.headingLevel = Int(cmark_node_get_heading_level(node))
    case "list":
      result.listOrdered = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST
      result.listStart = Int(cmark_node_get_list_start(node))
    case "code_block":
      result.fenceInfo = cmark_node_get_fence_info(node).map { String(cString: $0) } ?? ""
    case "link", "image":
      result.url = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
    case "table":
      let columns = Int(cmark_gfm_extensions_get_table_columns(node))
      if let alignments = cmark_gfm_extensions_get_table_alignments(node) {
        result.tableAlignments = (0..<columns).map { index in
          switch alignments[index] {
          case UInt8(ascii: "c"): return .center
          case UInt8(ascii: "r"): return .right
          default: return .left
          }
        }
      }
    case "table_row":
      result.isHeaderRow = cmark_gfm_extensions_get_table_row_is_header(node) != 0
    default:
      break
    }
    var child = cmark_node_first_child(node)
    while let next = child {
      result.children.append(convert(next))
      child = cmark_node_next(next)
    }
    return result
  }
}
