import Foundation
import Testing

/// `convlens predict` and `inspect` on the bundled model, as a user runs them.
@Suite struct PredictInspectTests {
  @Test func chelseaIsACat() throws {
    let result = try CLI.run(["predict", "Reports/images/chelsea.png", "--json", "--top", "3"])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let records = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]
    let top = records?.first?["top"] as? [[String: Any]]
    let first = top?.first
    // ImageNet's cat classes: tabby 281, tiger cat 282, Egyptian cat 285.
    #expect([281, 282, 285].contains(first?["index"] as? Int ?? -1), "top-1 was \(String(describing: first))")
    #expect((first?["label"] as? String).map { $0.contains("cat") || $0 == "tabby" } == true)
    let probability = first?["probability"] as? Double ?? 0
    #expect(probability > 0.2 && probability < 1)
    #expect(records?.first?["logits"] == nil)
  }

  /// `--model bundled:NAME` (predict, explain) and `inspect bundled:NAME` name the bundled models.
  @Test func bundledModelsByName() throws {
    let arguments = ["Reports/images/chelsea.png", "--json", "--top", "3"]
    let named = try CLI.run(["predict", "--model", "bundled:efficientnet-lite0"] + arguments)
    let plain = try CLI.run(["predict"] + arguments)
    #expect(named.status == 0, "stderr: \(named.stderr)")
    #expect(named.stdout == plain.stdout, "the default model is bundled:efficientnet-lite0, with its preset and labels")
    let inspect = try CLI.run(["inspect", "bundled:efficientnet-lite0"])
    #expect(inspect.status == 0, "stderr: \(inspect.stderr)")
    #expect(inspect.stdout.contains("default CAM layer: /head_act/Clip_output_0"))
    let help = try CLI.run(["explain", "--help"])
    #expect(help.stdout.contains("bundled:squeezenet1.1"), "the help lists the bundled models from their table")
  }

  /// A bundled name ConvLens knows whose file this installation lacks: said so, not "file not found".
  @Test func aBundledModelThatIsNotInstalledSaysSo() throws {
    let home = try CLI.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: home) }
    try FileManager.default.createDirectory(at: home.appendingPathComponent("Models"), withIntermediateDirectories: true)
    for name in ["efficientnet-lite0.onnx", "imagenet_classes.txt"] {
      try FileManager.default.createSymbolicLink(at: home.appendingPathComponent("Models/\(name)"),
                                                 withDestinationURL: CLI.root.appendingPathComponent("Models/\(name)"))
    }
    let result = try CLI.run(["predict", "--model", "bundled:squeezenet1.1", "Reports/images/chelsea.png"],
                             environment: ["CONVLENS_HOME": home.path])
    #expect(result.status == 1)
    #expect(result.stderr.contains("the bundled model bundled:squeezenet1.1 is not installed"), "\(result.stderr)")
    #expect(result.stderr.contains("Models/squeezenet1.1.onnx"), "\(result.stderr)")
  }

  @Test func logitsFlagAddsTheFullVector() throws {
    let result = try CLI.run(["predict", "Reports/images/coffee.png", "--json", "--logits", "--top", "1"])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let records = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]
    let logits = records?.first?["logits"] as? [Double] ?? []
    #expect(logits.count == 1000)
    let top = (records?.first?["top"] as? [[String: Any]])?.first
    #expect(top?["label"] as? String == "espresso")
    // The reported logit is the maximum of the vector.
    #expect(abs((top?["logit"] as? Double ?? 0) - (logits.max() ?? 0)) < 1e-4)
  }

  @Test func npyInputMatchesTheImageItCameFrom() throws {
    // A [N, 3, H, W] tensor: two copies of the same random-looking input give identical rows.
    let folder = try CLI.temporaryFolder()
    var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, 224, 224), }"
    while (10 + header.count + 1) % 64 != 0 { header += " " }
    header += "\n"
    var data = Data([0x93]) + Data("NUMPY".utf8) + Data([1, 0])
    data += Data([UInt8(header.utf8.count & 0xff), UInt8(header.utf8.count >> 8)]) + Data(header.utf8)
    var values = [Float](repeating: 0, count: 3 * 224 * 224)
    for i in values.indices { values[i] = Float((i * 7919) % 255) / 128 - 1 }
    let both = values + values
    both.withUnsafeBufferPointer { data.append(Data(buffer: $0)) }
    let path = folder.appendingPathComponent("pair.npy").path
    try data.write(to: URL(fileURLWithPath: path))
    let result = try CLI.run(["predict", path, "--json", "--logits", "--top", "1"])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let records = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
    #expect(records.count == 2)
    let first = records.first?["logits"] as? [Double] ?? [], second = records.last?["logits"] as? [Double] ?? []
    #expect(first.count == 1000 && second.count == 1000)
    #expect(zip(first, second).allSatisfy { abs($0 - $1) < 1e-4 })
  }

  @Test func inspectNamesTheDefaultCAMLayer() throws {
    let result = try CLI.run(["inspect", "--json"])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    #expect(report?["defaultCAMLayer"] as? String == "/head_act/Clip_output_0")
    let nodes = report?["nodes"] as? [[String: Any]] ?? []
    #expect(nodes.count == 94)
    let gemm = nodes.last
    #expect(gemm?["op"] as? String == "Gemm")
    #expect(gemm?["shape"] as? [Int] == [1, 1000])
    #expect(gemm?["parameters"] as? Int == 1280 * 1000 + 1000)
  }

  @Test func inspectNamesAViTsAttentionAndItsAutomaticLayer() throws {
    let model = CLI.root.appendingPathComponent("Tests/MethodsTests/Fixtures/ViT/vit_tiny_random/model.onnx").path
    let result = try CLI.run(["inspect", model])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    #expect(result.stdout.contains("default CAM layer: /blocks/blocks.2/norm1/LayerNormalization_output_0 [64, 14, 14] (the last attention block's first normalisation (ViT rule)); 197 tokens → class token dropped, 14 × 14 grid"))
    #expect(result.stdout.contains("attention (3 blocks, softmax probabilities [1, 4, 197, 197]):"))
    for block in 0..<3 { #expect(result.stdout.contains("  /blocks/blocks.\(block)/attn/Softmax_output_0\n")) }
  }
}
