// Drawing on a Cairo context: the painter's whole vocabulary, so no other file calls cairo_* drawing.
import CCairo
import Document

/// Owns one `cairo_t`. Confined to the render that created it (see `CairoSurface`).
final class Canvas: @unchecked Sendable {
  let context: OpaquePointer
  let surface: CairoSurface

  init(surface: CairoSurface) throws {
    guard let context = cairo_create(surface.pointer) else {
      throw RenderingError.cairo("cairo_create returned nothing")
    }
    self.context = context
    self.surface = surface
  }

  deinit { cairo_destroy(context) }

  func save() { cairo_save(context) }
  func restore() { cairo_restore(context) }
  func translate(_ x: Double, _ y: Double) { cairo_translate(context, x, y) }
  func scale(_ s: Double) { cairo_scale(context, s, s) }
  func showPage() { cairo_show_page(context) }

  func setColor(_ color: RGB, alpha: Double = 1) {
    cairo_set_source_rgba(context, Double(color.r) / 255, Double(color.g) / 255, Double(color.b) / 255, alpha)
  }

  func fillRect(x: Double, y: Double, width: Double, height: Double, color: RGB) {
    setColor(color)
    cairo_rectangle(context, x, y, width, height)
    cairo_fill(context)
  }

  func strokeRect(x: Double, y: Double, width: Double, height: Double, color: RGB, lineWidth: Double) {
    setColor(color)
    cairo_set_line_width(context, lineWidth)
    cairo_rectangle(context, x, y, width, height)
    cairo_stroke(context)
  }

  func line(from start: (Double, Double), to end: (Double, Double), color: RGB, width: Double) {
    setColor(color)
    cairo_set_line_width(context, width)
    cairo_move_to(context, start.0, start.1)
    cairo_line_to(context, end.0, end.1)
    cairo_stroke(context)
  }

  func polyline(_ points: [(Double, Double)], color: RGB, width: Double) {
    guard let first = points.first else { return }
    setColor(color)
    cairo_set_line_width(context, width)
    cairo_set_line_join(context, CAIRO_LINE_JOIN_ROUND)
    cairo_move_to(context, first.0, first.1)
    for point in points.dropFirst() { cairo_line_to(context, point.0, point.1) }
    cairo_stroke(context)
  }

  func fillCircle(x: Double, y: Double, radius: Double, color: RGB, alpha: Double = 1) {
    setColor(color, alpha: alpha)
    cairo_new_sub_path(context)
    cairo_arc(context, x, y, radius, 0, 2 * Double.pi)
    cairo_fill(context)
  }

  func clip(x: Double, y: Double, width: Double, height: Double) {
    cairo_rectangle(context, x, y, width, height)
    cairo_clip(context)
  }

  /// Left-to-right gradient through evenly spaced `stops`.
  func fillGradient(_ stops: [RGB], x: Double, y: Double, width: Double, height: Double) {
    guard let pattern = cairo_pattern_create_linear(x, 0, x + width, 0) else { return }
    defer { cairo_pattern_destroy(pattern) }
    for (index, stop) in stops.enumerated() {
      let offset = stops.count > 1 ? Double(index) / Double(stops.count - 1) : 0
      cairo_pattern_add_color_stop_rgb(
        pattern, offset, Double(stop.r) / 255, Double(stop.g) / 255, Double(stop.b) / 255)
    }
    cairo_set_source(context, pattern)
    cairo_rectangle(context, x, y, width, height)
    cairo_fill(context)
  }

  /// Draws `image` stretched into the rectangle at opacity `alpha`.
  /// `pixelated` keeps hard pixel edges (filters, tiny maps); otherwise bilinear.
  func drawImage(_ image: RasterImage, x: Double, y: Double, width: Double, height: Double,
                 alpha: Double = 1, pixelated: Bool = false) throws {
    let source = try CairoSurface.image(width: image.width, height: image.height)
    let stride = Int(cairo_image_surface_get_stride(source.pointer))
    guard let base = cairo_image_surface_get_data(source.pointer) else {
      throw RenderingError.cairo("image surface has no pixel data")
    }
    cairo_surface_flush(source.pointer)
    image.rgba.withUnsafeBufferPointer { rgba in
      for row in 0..<image.height {
        let out = (base + row * stride).withMemoryRebound(to: UInt32.self, capacity: image.width) { $0 }
        for column in 0..<image.width {
          let i = 4 * (row * image.width + column)
          let a = UInt32(rgba[i + 3])
          // Cairo wants premultiplied 0xAARRGGBB; round(c * a / 255).
          let r = (UInt32(rgba[i]) * a + 127) / 255
          let g = (UInt32(rgba[i + 1]) * a + 127) / 255
          let b = (UInt32(rgba[i + 2]) * a + 127) / 255
          out[column] = (a << 24) | (r << 16) | (g << 8) | b
        }
      }
    }
    cairo_surface_mark_dirty(source.pointer)
    save()
    defer { restore() }
    cairo_rectangle(context, x, y, width, height)
    cairo_clip(context)
    cairo_translate(context, x, y)
    cairo_scale(context, width / Double(image.width), height / Double(image.height))
    cairo_set_source_surface(context, source.pointer, 0, 0)
    let pattern = cairo_get_source(context)
    cairo_pattern_set_filter(pattern, pixelated ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_GOOD)
    cairo_pattern_set_extend(pattern, CAIRO_EXTEND_PAD)
    if alpha >= 1 { cairo_paint(context) } else { cairo_paint_with_alpha(context, max(0, alpha)) }
  }

  /// Everything drawn until `endTag()` becomes a link to (`x`, `y`) on 1-based `page` (PDF only;
  /// other surfaces ignore tags).
  func beginInternalLink(page: Int, x: Double, y: Double) {
    cairo_tag_begin(context, CAIRO_TAG_LINK, linkAttributes(page: page, x: x, y: y))
  }

  /// A link to an external URI covering the given rectangle.
  func addURILink(_ uri: String, x: Double, y: Double, width: Double, height: Double) {
    let escaped = uri.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
    let attributes = "uri='\(escaped)' rect=[\(formatNumber(x)) \(formatNumber(y)) \(formatNumber(width)) \(formatNumber(height))]"
    cairo_tag_begin(context, CAIRO_TAG_LINK, attributes)
    cairo_tag_end(context, CAIRO_TAG_LINK)
  }

  func endLink() { cairo_tag_end(context, CAIRO_TAG_LINK) }
}

extension Canvas {
  func moveTo(_ x: Double, _ y: Double) { cairo_move_to(context, x, y) }
}
