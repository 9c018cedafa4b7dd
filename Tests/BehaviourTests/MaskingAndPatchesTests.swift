import Engine
import Testing
@testable import Methods

@Suite("Channel masking and max patches")
struct MaskingAndPatchesTests {
  @Test("channel masking: the drop for each channel matches a re-run with that channel zeroed")
  func maskingDrops() throws {
    let network = try Behaviour.tinyClassifier()
    let images = Behaviour.randomImages(1, seed: 6)
    let method = try MethodRegistry.make("channel-masking", settings: ["layer": .string("relu"), "top": .int(4)])
    let output = try method.run(MethodContext(network: network, images: images, targets: [.index(2)]))
    guard case .imageGrid(let grid) = output.payload, let table = grid.table else { Issue.record("expected a grid with a table"); return }
    #expect(grid.cells.count == 4)
    // By hand: logit 2 = Σ_c W[2, c] · mean(relu_c) + b: zeroing channel c removes W[2, c] · mean_c.
    let relu = try network.forward(images).tensor(named: "relu")
    let weights = Behaviour.weights([3, 4], seed: 2)
    for row in table.rows.prefix(4) {
      guard let channel = Int(row[2]), let delta = Float(row[6]) else { Issue.record("bad row \(row)"); continue }
      let mean = relu.values[channel * 64 ..< (channel + 1) * 64].reduce(0, +) / 64
      #expect(abs(delta - (-weights.values[2 * 4 + channel] * mean)) < 2e-3)
    }
  }

  @Test("max patches: the top images of a channel, cropped to the receptive field")
  func patches() throws {
    let network = try Behaviour.tinyClassifier()
    let images = Behaviour.randomImages(5, seed: 12)
    let dataset = MemoryDataset(images: images, labels: [0, 1, 0, 1, 0])
    let method = try MethodRegistry.make("max-patches", settings: ["layer": .string("relu"), "channels": .int(1), "k": .int(3)])
    let output = try method.run(MethodContext(network: network, images: images.item(0), dataset: dataset))
    guard case .imageGrid(let grid) = output.payload else { Issue.record("expected an image grid"); return }
    #expect(grid.cells.count == 3)
    #expect(grid.cells.allSatisfy { $0.image.shape == [3, 3, 3] })  // a 3×3 conv: 3×3 receptive field
    let relu = try network.forward(images).tensor(named: "relu")
    let peaks = (0..<5).map { image in relu.values[(image * 4 + 1) * 64 ..< (image * 4 + 2) * 64].max() ?? 0 }
    let expected = peaks.sorted(by: >).prefix(3).map { String(format: "%.3f", $0) }
    #expect(grid.cells.map { $0.caption.split(separator: "·")[1].trimmingCharacters(in: .whitespaces) } == expected)
  }
}
