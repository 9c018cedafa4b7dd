// The HTML page's pictures, each stored once. Figures and grids show the same picture many times (the
// input photo beside every map of a comparison, the same tiles in several grids); a data URI per use
// made the default review 13.3 MB for 4.7 MB of distinct PNGs. The page holds each PNG once in an
// SVG <defs> block and every use draws it by id (`<svg viewBox=...><use href="#img-3"/></svg>`),
// which needs no script and prints like an image.
import Crypto
import Document
import Foundation

final class HTMLImageLibrary {
  /// In order of first use, so the page is the same bytes on every render.
  private(set) var images: [HTMLImage] = []
  private var byContent: [SHA256Digest: Int] = [:]

  /// The picture's entry, added on first use (pictures are the same when their PNG bytes are).
  func add(_ image: RasterImage) throws -> HTMLImage {
    let png = try pngData(image)
    let key = SHA256.hash(data: png)
    if let index = byContent[key] { return images[index] }
    let entry = HTMLImage(id: "img-\(images.count + 1)", src: dataURI(png), width: image.width, height: image.height)
    byContent[key] = images.count
    images.append(entry)
    return entry
  }
}
