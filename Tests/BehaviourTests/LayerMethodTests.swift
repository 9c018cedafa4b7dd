import Engine
import Testing
@testable import Methods

@Suite("Filters, activations, receptive fields")
struct LayerMethodTests {
  /// input [1, 3, 6, 6] → conv A (weights 0..23 as [2, 3, 2, 2]) → conv B ([3, 2, 1, 1]).
  func knownConvs() throws -> Network {
    let first = try Conv(weights: Tensor(shape: [2, 3, 2, 2], values: (0..<24).map(Float.init)), bias: nil)
    let second = try Conv(weights: Tensor(shape: [3, 2, 1, 1], values: [1, -1, 2, 0, 3, 5]), bias: nil)
    return try Network(nodes: [
      Node(name: "convA", op: first, inputs: ["input"], outputs: ["a"]),
      Node(name: "convB", op: second, inputs: ["a"], outputs: ["b"]),
    ], inputName: "input", outputNames: ["b"])
  }

  @Test("filter grid of a known conv: RGB tiles, per-filter and shared min-max")
  func filterGrid() throws {
    let context = MethodContext(network: try knownConvs(), images: Tensor(zeros: [1, 3, 6, 6]))
    let output = try Filters().run(context)
    guard case .imageGrid(let grid) = output.payload else { Issue.record("expected an image grid"); return }
    #expect(grid.cells.count == 2)
    #expect(grid.cells[0].image.shape == [3, 2, 2])
    // Filter 0 holds 0...11, filter 1 holds 12...23: per-filter scaling maps both to v' / 11.
    #expect(grid.cells[0].image.values.enumerated().allSatisfy { abs($0.element - Float($0.offset) / 11) < 1e-6 })
    #expect(grid.cells[1].image.values.enumerated().allSatisfy { abs($0.element - Float($0.offset) / 11) < 1e-6 })
    var shared = Filters()
    shared.scale = .shared
    guard case .imageGrid(let sharedGrid) = try shared.run(context).payload else { Issue.record("expected an image grid"); return }
    #expect(abs(sharedGrid.cells[1].image.values[0] - 12 / 23) < 1e-6)
    #expect(abs(sharedGrid.cells[0].image.values[11] - 11 / 23) < 1e-6)
  }

  @Test("a non-RGB conv gives grey per-channel tiles, one row per filter")
  func greyGrid() throws {
    let context = MethodContext(network: try knownConvs(), images: Tensor(zeros: [1, 3, 6, 6]))
    let method = try MethodRegistry.make("filters", settings: ["layer": .string("convB")])
    guard case .imageGrid(let grid) = try method.run(context).payload else { Issue.record("expected an image grid"); return }
    #expect(grid.cells.count == 6)
    #expect(grid.columns == 2)
    #expect(grid.cells.allSatisfy { $0.image.shape == [1, 1, 1] })
    // Filter 0 = [1, −1]: per-filter min-max gives 1 and 0.
    #expect(grid.cells[0].image.values == [1])
    #expect(grid.cells[1].image.values == [0])
  }

  @Test("activations: top channels by mean, with index and mean in the caption")
  func activationsTopChannels() throws {
    let network = try Behaviour.tinyClassifier()
    let images = Behaviour.randomImages(1, seed: 3)
    let method = try MethodRegistry.make("activations", settings: ["layer": .string("relu"), "top": .int(2)])
    guard case .imageGrid(let grid) = try method.run(MethodContext(network: network, images: images)).payload else {
      Issue.record("expected an image grid"); return
    }
    let relu = try network.forward(images).tensor(named: "relu")
    let means = (0..<4).map { c in relu.values[c * 64 ..< (c + 1) * 64].reduce(0, +) / 64 }
    let best = means.indices.max { means[$0] < means[$1] } ?? 0
    #expect(grid.cells.count == 2)
    #expect(grid.cells[0].caption.hasPrefix("ch \(best) · mean \(String(format: "%.3f", means[best]))"))
  }

  @Test("channel index out of range: clear error")
  func channelOutOfRange() throws {
    let method = try MethodRegistry.make("activations", settings: ["layer": .string("relu"), "channels": .string("1, 7")])
    let error = #expect(throws: MethodError.self) {
      try method.run(MethodContext(network: try Behaviour.tinyClassifier(), images: Behaviour.randomImages(1, seed: 1)))
    }
    #expect(error?.description == "channel 7 is out of range: layer 'relu' has 4 channels (0..<4)")
  }

  @Test("unknown layer name: the closest names are suggested")
  func unknownLayer() throws {
    let network = try Behaviour.tinyClassifier()
    let images = Behaviour.randomImages(1, seed: 1)
    let activations = try MethodRegistry.make("activations", settings: ["layer": .string("rellu")])
    let error = #expect(throws: MethodError.self) { try activations.run(MethodContext(network: network, images: images)) }
    #expect(error?.description.contains("no tensor named 'rellu'") == true)
    #expect(error?.description.contains("relu") == true)
    let filters = try MethodRegistry.make("filters", settings: ["layer": .string("cnv")])
    let filterError = #expect(throws: MethodError.self) { try filters.run(MethodContext(network: network, images: images)) }
    #expect(filterError?.description.contains("closest: conv") == true)
  }

  @Test("receptive field of conv3 s1 → conv3 s2 → maxpool2 s2: size 7, jump 4")
  func receptiveFieldChain() throws {
    // By hand: 1 → 1 + 2·1 = 3 (jump 1) → 3 + 2·1 = 5 (jump 2) → 5 + 1·2 = 7 (jump 4).
    let nodes = [
      Node(name: "c1", op: try Conv(weights: Tensor(zeros: [1, 1, 3, 3]), bias: nil), inputs: ["input"], outputs: ["c1"]),
      Node(name: "r1", op: Relu(), inputs: ["c1"], outputs: ["r1"]),
      Node(name: "c2", op: try Conv(weights: Tensor(zeros: [1, 1, 3, 3]), bias: nil, strides: [2, 2]), inputs: ["r1"], outputs: ["c2"]),
      Node(name: "p", op: try Pool(kind: .max, kernel: [2, 2], strides: [2, 2]), inputs: ["c2"], outputs: ["p"]),
      Node(name: "c3", op: try Conv(weights: Tensor(zeros: [1, 1, 3, 3]), bias: nil, padding: .explicit(begin: [1, 1], end: [1, 1])),
           inputs: ["p"], outputs: ["c3"]),
    ]
    let network = try Network(nodes: nodes, inputName: "input", outputNames: ["c3"])
    let pooled = try ReceptiveFieldAnalysis.field(of: "p", in: network, inputShape: [1, 1, 32, 32])
    #expect(pooled == ReceptiveField(size: [7, 7], jump: [4, 4], first: [0, 0]))
    #expect(pooled.window(row: 1, column: 2) == (top: 4, left: 8, height: 7, width: 7))
    // A padded 3×3 conv on top: 7 + 2·4 = 15, starting one jump (4 px) before the image.
    let padded = try ReceptiveFieldAnalysis.field(of: "c3", in: network, inputShape: [1, 1, 32, 32])
    #expect(padded == ReceptiveField(size: [15, 15], jump: [4, 4], first: [-4, -4]))
  }

  @Test("a squeeze-excitation gate [N, C, 1, 1] does not widen the receptive field; global pooling covers the image")
  func receptiveFieldThroughGate() throws {
    let nodes = [
      Node(name: "c1", op: try Conv(weights: Tensor(zeros: [2, 1, 3, 3]), bias: nil), inputs: ["input"], outputs: ["c1"]),
      Node(name: "pool", op: GlobalPool(.average), inputs: ["c1"], outputs: ["pool"]),
      Node(name: "gate", op: Sigmoid(), inputs: ["pool"], outputs: ["gate"]),
      Node(name: "scaled", op: BinaryArithmetic(.mul), inputs: ["gate", "c1"], outputs: ["scaled"]),
    ]
    let network = try Network(nodes: nodes, inputName: "input", outputNames: ["scaled"])
    #expect(try ReceptiveFieldAnalysis.field(of: "scaled", in: network, inputShape: [1, 1, 10, 10]) == ReceptiveField(size: [3, 3], jump: [1, 1], first: [0, 0]))
    #expect(try ReceptiveFieldAnalysis.field(of: "pool", in: network, inputShape: [1, 1, 10, 10]).size == [10, 10])
  }
}
