// The only file that calls Pango: a font system (font map + context with fixed metrics) and
// laid-out text that the paginator measures and the painter draws.
import CPango
import Document

/// A Pango context at 72 units per inch (1 unit = 1 pt) with hinting off and unrounded glyph
/// positions, so line breaks do not depend on the target surface: PDF pages and PNG previews wrap
/// identically. One per render; Pango objects are not shared between threads.
final class FontSystem: @unchecked Sendable {
  let context: OpaquePointer
  private let fontMap: UnsafeMutablePointer<PangoFontMap>

  init(language: String?) throws {
    guard let map = pango_cairo_font_map_new() else {
      throw RenderingError.layout("pango_cairo_font_map_new returned nothing (is fontconfig set up?)")
    }
    guard let context = pango_font_map_create_context(map) else {
      g_object_unref(map)
      throw RenderingError.layout("pango_font_map_create_context returned nothing")
    }
    self.fontMap = map
    self.context = context
    pango_cairo_context_set_resolution(context, 72)
    let options = cairo_font_options_create()
    cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
    cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY)
    pango_cairo_context_set_font_options(context, options)
    cairo_font_options_destroy(options)
    pango_context_set_round_glyph_positions(context, 0)
    pango_context_set_language(context, pango_language_from_string(language ?? "ko"))
  }

  deinit {
    g_object_unref(UnsafeMutableRawPointer(context))
    g_object_unref(fontMap)
  }
}

enum TextAlignment {
  case left, center, right
}

/// One laid-out piece of text (Pango markup). Sizes are in points.
final class TextLayout: @unchecked Sendable {
  private let layout: OpaquePointer
  /// Plain text without markup, for dumps and tests.
  let text: String

  /// `font` is a Pango font description ("Noto Sans CJK KR 10"); `width` nil means no wrapping.
  init(fonts: FontSystem, markup: String, font: String, width: Double?, alignment: TextAlignment = .left,
       lineSpacing: Double = 1.0, singleLine: Bool = false) throws {
    guard let layout = pango_layout_new(fonts.context) else {
      throw RenderingError.layout("pango_layout_new returned nothing")
    }
    self.layout = layout
    var attributes: OpaquePointer? = nil
    var plain: UnsafeMutablePointer<CChar>? = nil
    var error: UnsafeMutablePointer<GError>? = nil
    let parsed = pango_parse_markup(markup, -1, 0, &attributes, &plain, nil, &error)
    guard parsed != 0, let plain else {
      let message = error.map { String(cString: $0.pointee.message) } ?? "unknown error"
      if let error { g_error_free(error) }
      throw RenderingError.layout("invalid Pango markup (\(message)) in: \(markup.prefix(80))")
    }
    text = String(cString: plain)
    pango_layout_set_text(layout, plain, -1)
    g_free(plain)
    pango_layout_set_attributes(layout, attributes)
    if let attributes { pango_attr_list_unref(attributes) }

    let description = pango_font_description_from_string(font)
    pango_layout_set_font_description(layout, description)
    pango_font_description_free(description)
    if let width {
      pango_layout_set_width(layout, Int32((width * Double(PANGO_SCALE)).rounded(.down)))
      pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
    }
    switch alignment {
    case .left: pango_layout_set_alignment(layout, PANGO_ALIGN_LEFT)
    case .center: pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER)
    case .right: pango_layout_set_alignment(layout, PANGO_ALIGN_RIGHT)
    }
    if lineSpacing != 1.0 { pango_layout_set_line_spacing(layout, Float(lineSpacing)) }
    // One line ending in "…" when too long (needs a width).
    if singleLine && width != nil { pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END) }
  }

  deinit { g_object_unref(UnsafeMutableRawPointer(layout)) }

  /// Logical size of the text block.
  var size: (width: Double, height: Double) {
    var logical = PangoRectangle()
    pango_layout_get_extents(layout, nil, &logical)
    let scale = Double(PANGO_SCALE)
    return (Double(logical.x + logical.width) / scale, Double(logical.y + logical.height) / scale)
  }

  var height: Double { size.height }

  /// Top and bottom of each line measured from the layout's top, for splitting across pages.
  var lineBounds: [(top: Double, bottom: Double)] {
    var bounds: [(top: Double, bottom: Double)] = []
    guard let iterator = pango_layout_get_iter(layout) else { return bounds }
    defer { pango_layout_iter_free(iterator) }
    repeat {
      var top: Int32 = 0
      var bottom: Int32 = 0
      pango_layout_iter_get_line_yrange(iterator, &top, &bottom)
      bounds.append((Double(top) / Double(PANGO_SCALE), Double(bottom) / Double(PANGO_SCALE)))
    } while pango_layout_iter_next_line(iterator) != 0
    return bounds
  }

  /// Baseline of the first line from the layout's top.
  var firstBaseline: Double { Double(pango_layout_get_baseline(layout)) / Double(PANGO_SCALE) }

  /// Glyphs no installed font could draw (shown as boxes).
  var unknownGlyphCount: Int { Int(pango_layout_get_unknown_glyphs_count(layout)) }

  /// Rectangles (relative to the layout's top-left) covering the UTF-8 byte range, one per line.
  func rectangles(byteRange: Range<Int>) -> [(x: Double, y: Double, width: Double, height: Double)] {
    var rects: [(x: Double, y: Double, width: Double, height: Double)] = []
    let scale = Double(PANGO_SCALE)
    var start = PangoRectangle()
    var end = PangoRectangle()
    pango_layout_index_to_pos(layout, Int32(byteRange.lowerBound), &start)
    pango_layout_index_to_pos(layout, Int32(max(byteRange.lowerBound, byteRange.upperBound - 1)), &end)
    if start.y == end.y {
      rects.append((Double(start.x) / scale, Double(start.y) / scale,
                    Double(end.x + end.width - start.x) / scale, Double(start.height) / scale))
    } else {
      // Spans lines: cover from the start to the line end, then full lines, then up to the end.
      let full = size.width
      rects.append((Double(start.x) / scale, Double(start.y) / scale,
                    full - Double(start.x) / scale, Double(start.height) / scale))
      rects.append((0, Double(start.y + start.height) / scale,
                    Double(end.x + end.width) / scale, Double(end.y + end.height - start.y - start.height) / scale))
    }
    return rects
  }

  /// Draws with the layout's top-left at (`x`, `y`) in the canvas's current user space.
  func draw(on canvas: Canvas, x: Double, y: Double, color: RGB = PageStyle.text) {
    canvas.setColor(color)
    canvas.moveTo(x, y)
    pango_cairo_show_layout(canvas.context, layout)
  }
}
