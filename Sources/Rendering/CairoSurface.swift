// The only file that creates Cairo surfaces: PDF, SVG and image targets, all streamed into memory.
import CCairo
import Document
import Foundation

/// Collects the bytes Cairo streams out of a PDF or SVG surface.
private final class ByteSink {
  var data = Data()
}

/// C callback for `cairo_*_surface_create_for_stream`; `closure` is an unretained `ByteSink`.
private let appendToSink: cairo_write_func_t = { closure, bytes, length in
  guard let closure, let bytes else { return CAIRO_STATUS_WRITE_ERROR }
  Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue().data.append(bytes, count: Int(length))
  return CAIRO_STATUS_SUCCESS
}

public enum RenderingError: Error, CustomStringConvertible, Equatable {
  case cairo(String)
  case template(String)
  case layout(String)

  public var description: String {
    switch self {
    case .cairo(let message): return "cairo: \(message)"
    case .template(let message): return "HTML template: \(message)"
    case .layout(let message): return "layout: \(message)"
    }
  }
}

/// Owns one `cairo_surface_t`. Used from a single thread at a time (each render makes its own),
/// which is why the unchecked Sendable is safe: nothing is shared between renders.
final class CairoSurface: @unchecked Sendable {
  enum Kind { case pdf, svg, image }
  let pointer: OpaquePointer
  let kind: Kind
  private let sink: ByteSink?

  private init(pointer: OpaquePointer, kind: Kind, sink: ByteSink?) throws {
    let status = cairo_surface_status(pointer)
    guard status == CAIRO_STATUS_SUCCESS else {
      let message = String(cString: cairo_status_to_string(status))
      cairo_surface_destroy(pointer)
      throw RenderingError.cairo("could not create a \(kind) surface: \(message)")
    }
    self.pointer = pointer
    self.kind = kind
    self.sink = sink
  }

  deinit { cairo_surface_destroy(pointer) }

  /// A PDF whose pages are `width` x `height` points.
  static func pdf(width: Double, height: Double) throws -> CairoSurface {
    let sink = ByteSink()
    let closure = Unmanaged.passUnretained(sink).toOpaque()
    guard let surface = cairo_pdf_surface_create_for_stream(appendToSink, closure, width, height) else {
      throw RenderingError.cairo("cairo_pdf_surface_create_for_stream returned nothing")
    }
    return try CairoSurface(pointer: surface, kind: .pdf, sink: sink)
  }

  static func svg(width: Double, height: Double) throws -> CairoSurface {
    let sink = ByteSink()
    let closure = Unmanaged.passUnretained(sink).toOpaque()
    guard let surface = cairo_svg_surface_create_for_stream(appendToSink, closure, width, height) else {
      throw RenderingError.cairo("cairo_svg_surface_create_for_stream returned nothing")
    }
    // Points, so the SVG's width/height match the figure's size in the PDF.
    cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PT)
    return try CairoSurface(pointer: surface, kind: .svg, sink: sink)
  }

  /// An opaque-capable ARGB32 raster of `width` x `height` pixels, initially transparent.
  static func image(width: Int, height: Int) throws -> CairoSurface {
    guard width > 0, height > 0, width <= 20_000, height <= 20_000 else {
      throw RenderingError.cairo("image surface \(width)x\(height) px is outside 1...20000")
    }
    guard let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(width), Int32(height)) else {
      throw RenderingError.cairo("cairo_image_surface_create returned nothing")
    }
    return try CairoSurface(pointer: surface, kind: .image, sink: nil)
  }

  /// An image surface holding `image` (converted to Cairo's premultiplied native-endian ARGB32).
  static func raster(_ image: RasterImage) throws -> CairoSurface {
    let surface = try CairoSurface.image(width: image.width, height: image.height)
    cairo_surface_flush(surface.pointer)
    let stride = Int(cairo_image_surface_get_stride(surface.pointer))
    guard let base = cairo_image_surface_get_data(surface.pointer) else {
      throw RenderingError.cairo("image surface has no pixel data")
    }
    image.rgba.withUnsafeBufferPointer { rgba in
      for row in 0..<image.height {
        let out = (base + row * stride).withMemoryRebound(to: UInt32.self, capacity: image.width) { $0 }
        for column in 0..<image.width {
          let i = 4 * (row * image.width + column)
          let a = UInt32(rgba[i + 3])
          // Premultiplied 0xAARRGGBB: channel = round(c * a / 255).
          let r = (UInt32(rgba[i]) * a + 127) / 255
          let g = (UInt32(rgba[i + 1]) * a + 127) / 255
          let b = (UInt32(rgba[i + 2]) * a + 127) / 255
          out[column] = (a << 24) | (r << 16) | (g << 8) | b
        }
      }
    }
    cairo_surface_mark_dirty(surface.pointer)
    return surface
  }

  /// Decodes PNG bytes (Cairo's own reader) into an image surface.
  static func decodePNG(_ data: Data) throws -> CairoSurface {
    final class Reader {
      let bytes: [UInt8]
      var offset = 0
      init(_ bytes: [UInt8]) { self.bytes = bytes }
    }
    let reader = Reader(Array(data))
    let read: cairo_read_func_t = { closure, buffer, length in
      guard let closure, let buffer else { return CAIRO_STATUS_READ_ERROR }
      let reader = Unmanaged<Reader>.fromOpaque(closure).takeUnretainedValue()
      let count = Int(length)
      guard reader.offset + count <= reader.bytes.count else { return CAIRO_STATUS_READ_ERROR }
      reader.bytes.withUnsafeBufferPointer { source in
        guard let base = source.baseAddress else { return }
        buffer.update(from: base + reader.offset, count: count)
      }
      reader.offset += count
      return CAIRO_STATUS_SUCCESS
    }
    let closure = Unmanaged.passUnretained(reader).toOpaque()
    guard let surface = withExtendedLifetime(reader, { cairo_image_surface_create_from_png_stream(read, closure) }) else {
      throw RenderingError.cairo("cairo_image_surface_create_from_png_stream returned nothing")
    }
    return try CairoSurface(pointer: surface, kind: .image, sink: nil)
  }

  /// Sets title, author and creator, and fixes both dates so two renders give the same bytes.
  func setPDFMetadata(title: String, author: String?, date: String) {
    cairo_pdf_surface_set_metadata(pointer, CAIRO_PDF_METADATA_TITLE, title)
    if let author { cairo_pdf_surface_set_metadata(pointer, CAIRO_PDF_METADATA_AUTHOR, author) }
    cairo_pdf_surface_set_metadata(pointer, CAIRO_PDF_METADATA_CREATOR, "ConvLens")
    cairo_pdf_surface_set_metadata(pointer, CAIRO_PDF_METADATA_CREATE_DATE, date)
    cairo_pdf_surface_set_metadata(pointer, CAIRO_PDF_METADATA_MOD_DATE, date)
  }

  /// Adds a bookmark pointing at (`x`, `y`) on 1-based `page`; returns its id for children.
  /// `parent` 0 is the root.
  func addOutline(parent: Int32, title: String, page: Int, x: Double, y: Double, open: Bool) -> Int32 {
    let flags = open ? CAIRO_PDF_OUTLINE_FLAG_OPEN : cairo_pdf_outline_flags_t(rawValue: 0)
    return cairo_pdf_surface_add_outline(pointer, parent, title, linkAttributes(page: page, x: x, y: y), flags)
  }

  /// Finishes a PDF or SVG and returns its bytes.
  func finish() throws -> Data {
    cairo_surface_finish(pointer)
    let status = cairo_surface_status(pointer)
    guard status == CAIRO_STATUS_SUCCESS else {
      throw RenderingError.cairo("finishing the \(kind) failed: \(String(cString: cairo_status_to_string(status)))")
    }
    return sink?.data ?? Data()
  }

  /// The image surface as PNG bytes.
  func pngData() throws -> Data {
    let sink = ByteSink()
    let closure = Unmanaged.passUnretained(sink).toOpaque()
    cairo_surface_flush(pointer)
    let status = cairo_surface_write_to_png_stream(pointer, appendToSink, closure)
    guard status == CAIRO_STATUS_SUCCESS else {
      throw RenderingError.cairo("PNG encoding failed: \(String(cString: cairo_status_to_string(status)))")
    }
    return sink.data
  }

  /// Straight RGBA copy of an image surface (un-premultiplies), for tests and diffs.
  func rasterImage() throws -> RasterImage {
    cairo_surface_flush(pointer)
    let width = Int(cairo_image_surface_get_width(pointer))
    let height = Int(cairo_image_surface_get_height(pointer))
    let stride = Int(cairo_image_surface_get_stride(pointer))
    guard let base = cairo_image_surface_get_data(pointer) else {
      throw RenderingError.cairo("image surface has no pixel data")
    }
    var rgba = [UInt8](repeating: 0, count: width * height * 4)
    for y in 0..<height {
      let row = (base + y * stride).withMemoryRebound(to: UInt32.self, capacity: width) { $0 }
      for x in 0..<width {
        let argb = row[x]  // premultiplied, native-endian 0xAARRGGBB
        let a = Int(argb >> 24)
        let channels = [Int((argb >> 16) & 255), Int((argb >> 8) & 255), Int(argb & 255)]
        let o = 4 * (y * width + x)
        for c in 0..<3 {
          rgba[o + c] = a == 0 ? 0 : UInt8(min(255, (channels[c] * 255 + a / 2) / a))
        }
        rgba[o + 3] = UInt8(a)
      }
    }
    return try RasterImage(width: width, height: height, rgba: rgba)
  }
}

/// Cairo's link/destination attribute string for an explicit page position.
func linkAttributes(page: Int, x: Double, y: Double) -> String {
  "page=\(page) pos=[\(formatNumber(x)) \(formatNumber(y))]"
}

/// Fixed two-decimal text for numbers that end up in output bytes or dumps.
func formatNumber(_ value: Double) -> String {
  String(format: "%.2f", value)
}
