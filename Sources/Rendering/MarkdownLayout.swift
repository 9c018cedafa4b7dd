// Markdown nodes -> paged blocks: inline content becomes Pango markup (escaped), blocks become
// text boxes with indents, markers and backgrounds, GFM tables become table boxes.
import Document

struct InlineMarkup {
  var markup = ""
  /// Bytes of plain text emitted so far (Pango indexes text by UTF-8 byte).
  var plainBytes = 0
  var links: [TextLink] = []

  mutating func appendText(_ text: String) {
    markup += escapeMarkup(text)
    plainBytes += keepingHangulWordsTogether(text).utf8.count
  }

  mutating func append(_ nodes: [MarkdownNode]) {
    for node in nodes { append(node) }
  }

  mutating func append(_ node: MarkdownNode) {
    switch node.type {
    case "text": appendText(node.literal)
    case "softbreak": appendText(" ")
    case "linebreak": appendText("\n")
    case "code":
      markup += "<span font_family=\"\(PageStyle.monoFamily)\" size=\"92%\" background=\"#eef1f4\">"
      appendText(node.literal)
      markup += "</span>"
    case "emph": wrap("i", node.children)
    case "strong": wrap("b", node.children)
    case "strikethrough": wrap("s", node.children)
    case "link":
      let start = plainBytes
      markup += "<span foreground=\"\(PageStyle.accent.hex)\" underline=\"single\">"
      append(node.children)
      markup += "</span>"
      if plainBytes > start { links.append(TextLink(uri: node.url, byteRange: start..<plainBytes)) }
    case "image":
      // Only data: images remain here; paged output shows their alt text.
      wrap("i", node.children)
    case "html_inline":
      break  // raw HTML is never rendered
    default:
      append(node.children)
    }
  }

  private mutating func wrap(_ tag: String, _ children: [MarkdownNode]) {
    markup += "<\(tag)>"
    append(children)
    markup += "</\(tag)>"
  }
}

/// Builds paged blocks for one top-level Markdown node at `width` points.
struct MarkdownLayoutBuilder {
  let fonts: FontSystem
  let width: Double

  func blocks(for node: MarkdownNode) throws -> [PagedBlock] {
    try blocks(for: node, indent: 0, quoted: false)
  }

  private func blocks(for node: MarkdownNode, indent: Double, quoted: Bool) throws -> [PagedBlock] {
    switch node.type {
    case "paragraph":
      return [.text(try paragraph(node.children, indent: indent, quoted: quoted, marker: nil, spaceAfter: PageStyle.paragraphSpacing))]
    case "heading":
      // Headings nested in lists or quotes: a bold paragraph (top-level ones are numbered headings).
      var inline = InlineMarkup()
      inline.append(node.children)
      let layout = try TextLayout(fonts: fonts, markup: "<b>\(inline.markup)</b>", font: PageStyle.font(PageStyle.bodySize),
                                  width: width - indent, lineSpacing: PageStyle.bodyLineSpacing)
      return [.text(TextBox(role: .paragraph, layout: layout, indent: indent, spaceBefore: 4, spaceAfter: 4))]
    case "code_block":
      var code = node.literal
      while code.hasSuffix("\n") { code.removeLast() }
      let padding = 6.0
      let layout = try TextLayout(fonts: fonts, markup: escapeMarkup(code), font: PageStyle.font(PageStyle.codeSize, mono: true),
                                  width: width - indent - 2 * padding, lineSpacing: 1.15)
      return [.text(TextBox(role: .code, layout: layout, indent: indent, padding: padding,
                            background: PageStyle.codeBackground, spaceBefore: 4, spaceAfter: 8))]
    case "list":
      return try list(node, indent: indent, quoted: quoted)
    case "block_quote":
      return try node.children.flatMap { try blocks(for: $0, indent: indent + 12, quoted: true) }
    case "thematic_break":
      return [.rule]
    case "table":
      return [.table(try table(node))]
    case "html_block":
      return []  // raw HTML is omitted, as in the HTML backend
    default:
      return try node.children.flatMap { try blocks(for: $0, indent: indent, quoted: quoted) }
    }
  }

  private func paragraph(_ inlines: [MarkdownNode], indent: Double, quoted: Bool, marker: String?,
                         spaceAfter: Double) throws -> TextBox {
    var inline = InlineMarkup()
    inline.append(inlines)
    var markup = inline.markup
    if quoted { markup = "<span foreground=\"\(PageStyle.muted.hex)\">\(markup)</span>" }
    let layout = try TextLayout(fonts: fonts, markup: markup, font: PageStyle.font(PageStyle.bodySize),
                                width: width - indent, lineSpacing: PageStyle.bodyLineSpacing)
    let markerLayout = try marker.map {
      try TextLayout(fonts: fonts, markup: escapeMarkup($0), font: PageStyle.font(PageStyle.bodySize),
                     width: 14, alignment: .right, lineSpacing: PageStyle.bodyLineSpacing)
    }
    return TextBox(role: marker != nil ? .listItem : (quoted ? .quote : .paragraph), layout: layout, marker: markerLayout,
                   indent: indent, leftBar: quoted ? PageStyle.quoteBar : nil, spaceBefore: 0,
                   spaceAfter: spaceAfter, links: inline.links)
  }

  private func list(_ node: MarkdownNode, indent: Double, quoted: Bool) throws -> [PagedBlock] {
    let itemIndent = indent + 18
    var result: [PagedBlock] = []
    for (position, item) in node.children.enumerated() {
      let marker = node.listOrdered ? "\(node.listStart + position)." : (indent == 0 ? "•" : "◦")
      var markerUsed = false
      for child in item.children {
        if child.type == "paragraph" && !markerUsed {
          result.append(.text(try paragraph(child.children, indent: itemIndent, quoted: quoted, marker: marker, spaceAfter: 2.5)))
          markerUsed = true
        } else {
          result += try blocks(for: child, indent: itemIndent, quoted: quoted)
        }
      }
    }
    if case .text(let last)? = result.last {
      // Give the list as a whole the paragraph gap below it.
      result[result.count - 1] = .text(TextBox(role: last.role, layout: last.layout, marker: last.marker, indent: last.indent,
                                               padding: last.padding, background: last.background, leftBar: last.leftBar,
                                               spaceBefore: last.spaceBefore, spaceAfter: PageStyle.paragraphSpacing, links: last.links))
    }
    return result
  }

  private func table(_ node: MarkdownNode) throws -> TableBox {
    var header: [String] = []
    var rows: [[String]] = []
    // cmark-gfm names the header row "table_header" and body rows "table_row".
    for row in node.children where row.type == "table_row" || row.type == "table_header" {
      let cells = row.children.map { cell -> String in
        var inline = InlineMarkup()
        inline.append(cell.children)
        return inline.markup
      }
      if row.isHeaderRow || row.type == "table_header" { header = cells } else { rows.append(cells) }
    }
    return try TableBoxBuilder(fonts: fonts, width: width)
      .build(headerMarkup: header, rowsMarkup: rows, alignments: node.tableAlignments, captionMarkup: nil)
  }
}
