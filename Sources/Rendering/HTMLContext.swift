// Document -> the values the HTML templates read: Encodable structs, one per template, with every
// key their template asks for (flags such as hasLabel instead of optional values), because
// Mustache looks a missing key up in the enclosing context and would print a parent's value instead.
// `HTMLContextBuilder` fills them with one exhaustive switch over the document's blocks; `HTMLBlock`
// has one case per section of the block loop in report.html.mustache.
import Document
import Foundation

struct HTMLPage: Encodable {
  struct ContentsEntry: Encodable {
    let level: Int
    let anchor: String
    let number: String
    let hasNumber: Bool
    let text: String
  }
  let lang: String
  let title: String
  let css: String
  let script: String
  let scriptHash: String
  let contentsTitle: String
  /// nil, not "", when absent: the template shows the line only for a value.
  let subtitle: String?
  let author: String?
  let meta: String?
  let contents: [ContentsEntry]
  let hasContents: Bool
  let blocks: [HTMLBlock]
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
    let anchor: String
    let number: String
    let hasNumber: Bool
    let text: String
  }
  struct Prose: Encodable { let html: String }
}

struct PanelContext: Encodable {
  let src: String
  let hasOverlay: Bool
  let overlay: String
  let hasLabel: Bool
  let label: String
  let alt: String
  let pixelated: Bool
}

struct ColorbarContext: Encodable {
  let title: String
  let min: String
  let max: String
  let gradient: String
}

struct FigureContext: Encodable {
  struct Variant: Encodable {
    let index: Int
    let label: String
    let selected: Bool
    let panels: [PanelContext]
  }
  let anchor: String
  let kind: String
  let label: String
  let caption: String
  let variants: [Variant]
  let hasVariants: Bool
  let hasSlider: Bool
  let alpha: String
  let alphaPercent: Int
  let opacityLabel: String
  let colorbar: ColorbarContext?
}

struct GridContext: Encodable {
  struct Tile: Encodable {
    let panels: [PanelContext]
    let hasLabel: Bool
    let label: String
  }
  struct Header: Encodable {
    let title: String
    let span: Int
  }
  let anchor: String
  let kind: String
  let label: String
  let caption: String
  let columns: Int
  let tiles: [Tile]
  let headers: [Header]
  let hasHeaders: Bool
  let colorbars: [ColorbarContext]
  let hasColorbars: Bool
  let hasSlider: Bool
  let alpha: String
  let alphaPercent: Int
  let opacityLabel: String
}

struct ChartContext: Encodable {
  let anchor: String
  let label: String
  let caption: String
  let src: String
  let widthPoints: String
}

struct TableContext: Encodable {
  struct Cell: Encodable {
    let text: String
    let align: String
  }
  struct Row: Encodable { let cells: [Cell] }
  let label: String
  let hasCaption: Bool
  let caption: String
  let hasHeader: Bool
  let header: [Cell]
  let rows: [Row]
}
