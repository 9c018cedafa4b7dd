// Drawing on a Cairo context: the painter's whole vocabulary, so no other file calls cairo_* drawing.
import CCairo
import Foundation
import Document

/// Owns one `cairo_t`. Confined to the render that created it (see `CairoSurface`).
final class Canvas: @unchecked Sendable {
  let context: OpaquePointer
  let surface: CairoSurface
  /// One Cairo surface per distinct picture, so a PDF embeds an image drawn many times (the input
  /// photo beside every method) once: Cairo's PDF backend shares a source surface between uses.
  private var imageSurfaces: [RasterImage: CairoSurface] = [:]

  init(surface: CairoSurface) throws {
    guard let context = cairo_create(surface.pointer) else {
      throw RenderingError.cairo("cairo_create returned nothing")
    }
    self.context = context
    self.surface = surface
  }

  deinit { cairo_destroy(context) }

  /// Throws if any drawing call put the context into an error state (Cairo then ignores the rest).
  func checkStatus() throws {
    let status = cairo_status(context)
    guard status == CAIRO_STATUS_SUCCESS else {
      throw RenderingError.cairo("drawing failed: \(String(cString: cairo_status_to_string(status)))")
    }
  }

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
    let source: CairoSurface
    if let cached = imageSurfaces[image] {
      source = cached
    } else {
      source = try CairoSurface.raster(image)
      imageSurfaces[image] = source
    }
    save()
    defer { restore() }
    cairo_rectangle(context, x, y, width, height)
    cairo_clip(context)
    cairo_translate(context, x, y)
    cairo_scale(context, width / Double(image.width), height / Double(image.height))
    cairo_set_source_surface(context, source.pointer, 0, 0)
    let pattern = cairo_get_source(context)
    cairo_pattern_set_filter(pattern, pixelated ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_GOOD)
    // PAD keeps raster edges crisp when resampling; vector surfaces get NONE so Cairo embeds the
    // picture itself (once) instead of a padded copy per use.
    cairo_pattern_set_extend(pattern, surface.kind == .image ? CAIRO_EXTEND_PAD : CAIRO_EXTEND_NONE)
    if alpha >= 1 { cairo_paint(context) } else { cairo_paint_with_alpha(context, max(0, alpha)) }
  }

  /// Everything drawn until `endLink()` becomes a link to the named destination (PDF only; other
  /// surfaces ignore tags). Named, because cairo 1.16 drops explicit `page=` links to pages not
  /// yet drawn, and contents entries always point forward.
  func beginInternalLink(destination: String) {
    cairo_tag_begin(context, CAIRO_TAG_LINK, "dest='\(destination)'")
  }

  /// Marks what is drawn until `endDestination()` as the named destination `name`.
  func beginDestination(_ name: String) {
    cairo_tag_begin(context, CAIRO_TAG_DEST, "name='\(name)'")
  }

  func endDestination() { cairo_tag_end(context, CAIRO_TAG_DEST) }

  /// A link covering the given rectangle: "#name" goes to the named destination (a heading's or
  /// figure's anchor, as in the HTML), anything else is an external URI.
  func addURILink(_ uri: String, x: Double, y: Double, width: Double, height: Double) {
    func quoted(_ text: String) -> String {
      "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }
    let target = uri.hasPrefix("#") ? "dest=\(quoted(String(uri.dropFirst())))" : "uri=\(quoted(uri))"
    let attributes = "\(target) rect=[\(formatNumber(x)) \(formatNumber(y)) \(formatNumber(width)) \(formatNumber(height))]"
    cairo_tag_begin(context, CAIRO_TAG_LINK, attributes)
    cairo_tag_end(context, CAIRO_TAG_LINK)
  }

  func endLink() { cairo_tag_end(context, CAIRO_TAG_LINK) }
}

extension Canvas {
  func moveTo(_ x: Double, _ y: Double) { cairo_move_to(context, x, y) }
}
