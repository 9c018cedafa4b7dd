import Document
import Foundation
import Testing
@testable import Rendering

@Suite struct PreviewTests {
  /// Writes a sample report to CONVLENS_PREVIEW_DIR for looking at by eye (skipped otherwise).
  @Test func writesPreviewWhenAsked() throws {
    guard let directory = ProcessInfo.processInfo.environment["CONVLENS_PREVIEW_DIR"] else { return }
    let document = try Samples.sampleDocument(paragraphs: 8)
    let renderer = PagedRenderer()
    let pdf = try renderer.pdf(document)
    try pdf.write(to: URL(fileURLWithPath: directory).appendingPathComponent("sample.pdf"))
    for (index, png) in try renderer.pagePNGs(document, dpi: 96).enumerated() {
      try png.write(to: URL(fileURLWithPath: directory).appendingPathComponent("page-\(index + 1).png"))
    }
    try renderer.pagePlanDump(document).write(to: URL(fileURLWithPath: directory).appendingPathComponent("plan.txt"), atomically: true, encoding: .utf8)
    for file in try renderer.figureFiles(document) {
      try file.data.write(to: URL(fileURLWithPath: directory).appendingPathComponent(file.name))
    }
    #expect(pdf.count > 1000)
  }
}
