// Document -> the values the HTML templates read: Encodable structs, one per template object, with
// every key their template asks for (flags such as hasLabel instead of optional values), because
// Mustache looks a missing key up in the enclosing context and would print a parent's value instead.
// `HTMLContextBuilder` fills them with one exhaustive switch over the document's blocks; `HTMLBlock`
// has one case per section of the block loop in report.html.mustache.
import Document

struct HTMLPage: Encodable {
  struct ContentsEntry: Encodable {
    let level: Int
    let anchor, number: String
    let hasNumber: Bool
    let text: String
  }
  let lang, title, css, script, scriptHash, contentsTitle: String
  /// nil, not "", when absent: the template shows these lines only for a value.
  let subtitle, author, meta: String?
  let contents: [ContentsEntry]
  let hasContents: Bool
  let blocks: [HTMLBlock]
  /// Every distinct picture of the page once (`HTMLImageLibrary`), drawn where used by its id.
  let images: [HTMLImage]
}

/// One picture of the page: a PNG data URI, its size in pixels and the id panels refer to it by.
struct HTMLImage: Encodable {
  let id, src: String
  let width, height: Int
}

/// One entry of the page's block loop: the section of report.html.mustache named by the case.
enum HTMLBlock: Encodable {
  case heading(Heading)
  case prose(Prose)
  case figure(FigureContext)
  case grid(GridContext)
  case chart(ChartContext)
  case table(TableContext)

  struct Heading: Encodable {
    let tag: Int
    let anchor, number: String
    let hasNumber: Bool
    let text: String
  }
  struct Prose: Encodable { let html: String }
}

/// A picture and its optional overlay. `image` / `overlayImage` are ids in the page's `images`, with
/// the picture's size for the SVG viewBox; `src` / `overlay` repeat the data URIs for templates that
/// draw `<img>` elements (each use then carries its own copy).
struct PanelContext: Encodable {
  let src: String, hasOverlay: Bool, overlay: String
  let image, overlayImage: String, width, height: Int
  let hasLabel: Bool, label: String, alt: String
  let pixelated: Bool
}

struct ColorbarContext: Encodable {
  let title, min, max, gradient: String
}

/// A figure: its class switcher's variants, the overlay slider, the colorbar, the caption.
struct FigureContext: Encodable {
  struct Variant: Encodable {
    let index: Int, label: String, selected: Bool
    let panels: [PanelContext]
  }
  let anchor, kind, label, caption: String
  let variants: [Variant], hasVariants: Bool
  let hasSlider: Bool, alpha: String, alphaPercent: Int, opacityLabel: String
  let colorbar: ColorbarContext?
}

/// A grid of tiles under column titles, with the overlay slider and one colorbar per scale.
struct GridContext: Encodable {
  struct Tile: Encodable {
    let panels: [PanelContext]
    let hasLabel: Bool, label: String
  }
  struct Header: Encodable {
    let title: String, span: Int
  }
  let anchor, kind, label, caption: String
  let columns: Int, tiles: [Tile]
  let headers: [Header], hasHeaders: Bool
  let colorbars: [ColorbarContext], hasColorbars: Bool
  let hasSlider: Bool, alpha: String, alphaPercent: Int, opacityLabel: String
}

/// A chart, drawn by the paged code into a PNG.
struct ChartContext: Encodable {
  let anchor, label, caption, src, widthPoints: String
}

struct TableContext: Encodable {
  struct Cell: Encodable { let text, align: String }
  struct Row: Encodable { let cells: [Cell] }
  let label: String, hasCaption: Bool, caption: String
  let hasHeader: Bool, header: [Cell]
  let rows: [Row]
}
