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
    let result = try CLI.run(["render", "--out", scratch.url("out").path, "-q", "--page-plan", "-P", "model=\(model)", notebook],
                             in: scratch.folder)
    try #require(result.status == 0, "\(result.stderr)")
    let pdf = try Data(contentsOf: scratch.url("out/vit.pdf"))
    #expect(pdf.starts(with: Data("%PDF".utf8)) && pdf.count > 50_000)
    let html = try String(contentsOf: scratch.url("out/vit.html"), encoding: .utf8)
    for expected in ["197 tokens → class token dropped, 14 × 14 grid", "/blocks/blocks.2/norm1/LayerNormalization_output_0",
                     "attention-rollout", "attention-gradient", "rows renormalised"] {
      #expect(html.contains(expected), "the HTML lacks \(expected)")
    }
    #expect(!result.stderr.contains("warning"), "\(result.stderr)")

    // Each figure is laid out inside its own section: before the next section's heading, never
    // carried past it (with two-panel figures 52 % of a page tall, the rollout and gradient figures
    // had each drifted one section down).
    let plan = try String(contentsOf: scratch.url("out/vit.pages.txt"), encoding: .utf8)
    var heading = ""
    var sectionOfFigure: [String: String] = [:]
    for line in plan.split(separator: "\n") {
      let text = line.split(separator: "\"").dropFirst().first.map(String.init) ?? ""
      if line.contains("heading ") && line.contains("level=2") { heading = text }
      if line.contains("figure ") { sectionOfFigure[String(text.split(separator: " ").last ?? "")] = heading }
    }
    #expect(sectionOfFigure == ["s2-grad-cam-cat": "1.2  Grad-CAM on tokens", "s3-attention-rollout-cat": "1.3  Attention rollout",
                                "s4-attention-rollout-cat": "1.3  Attention rollout",
                                "s5-attention-gradient-cat": "1.4  Attention weighted by its gradient",
                                "s6-compare": "1.5  Side by side"], "\(plan)")
  }
}
