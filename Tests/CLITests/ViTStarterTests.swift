import Foundation
import Testing

/// The ViT starter as a user takes it: `convlens init --starter vit-review`, then `convlens render` with
/// `model:` pointed at a ViT (here the tiny random-weight one of Tests/MethodsTests/Fixtures/ViT).
@Suite("The ViT starter renders on a tiny ViT")
struct ViTStarterTests {
  @Test func vitStarterRendersToPDFAndHTML() throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    let notebook = scratch.url("notes/vit.md").path
    let created = try CLI.run(["init", "--starter", "vit-review", notebook], in: scratch.folder)
    try #require(created.status == 0, "\(created.stderr)")
    let model = CLI.root.appendingPathComponent("Tests/MethodsTests/Fixtures/ViT/vit_tiny_random/model.onnx").path
    let result = try CLI.run(["render", "--out", scratch.url("out").path, "-q", "-P", "model=\(model)", notebook], in: scratch.folder)
    try #require(result.status == 0, "\(result.stderr)")
    let pdf = try Data(contentsOf: scratch.url("out/vit.pdf"))
    #expect(pdf.starts(with: Data("%PDF".utf8)) && pdf.count > 50_000)
    let html = try String(contentsOf: scratch.url("out/vit.html"), encoding: .utf8)
    for expected in ["197 tokens → class token dropped, 14 × 14 grid", "/blocks/blocks.2/norm1/LayerNormalization_output_0",
                     "attention-rollout", "attention-gradient", "rows renormalised"] {
      #expect(html.contains(expected), "the HTML lacks \(expected)")
    }
    #expect(!result.stderr.contains("warning"), "\(result.stderr)")
  }
}
