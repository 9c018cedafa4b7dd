import Engine
import Testing
@testable import Methods

@Suite("Nearest neighbours")
struct NeighboursTests {
  func run(includeQuery: Bool) throws -> [Neighbours.Match] {
    let network = try Behaviour.tinyClassifier()
    let images = Behaviour.randomImages(6, seed: 11)
    let dataset = MemoryDataset(images: images, labels: [0, 1, 2, 0, 1, 2])
    let method = try MethodRegistry.make("neighbours", settings: ["k": .int(3), "include-query": .bool(includeQuery)])
    let output = try method.run(MethodContext(network: network, images: images.item(2), dataset: dataset))
    guard case .neighbours(let result) = output.payload else { Issue.record("expected neighbours"); return [] }
    return result.queries[0]
  }

  @Test("an image in the dataset finds itself first at similarity 1 when not excluded")
  func includesItself() throws {
    let matches = try run(includeQuery: true)
    #expect(matches.count == 3)
    #expect(matches.first?.datasetIndex == 2)
    #expect(abs((matches.first?.score ?? 0) - 1) < 1e-5)
    #expect(zip(matches, matches.dropFirst()).allSatisfy { $0.score >= $1.score })
  }

  @Test("by default the query is left out of its own list")
  func excludesItself() throws {
    let matches = try run(includeQuery: false)
    #expect(matches.count == 3)
    #expect(!matches.contains { $0.datasetIndex == 2 })
  }

  @Test("queries from the dataset: the first of each class, excluded from their own lists")
  func datasetQueries() throws {
    let images = Behaviour.randomImages(9, seed: 5)
    let labels = [2, 0, 1, 0, 2, 1, 1, 0, 2]
    let dataset = MemoryDataset(images: images, labels: labels)
    let method = try MethodRegistry.make("neighbours", settings: ["k": .int(3), "queries": .string("dataset"), "per-class": .int(2)])
    let output = try method.run(MethodContext(network: try Behaviour.tinyClassifier(), images: images.item(0), dataset: dataset))
    guard case .neighbours(let result) = output.payload else { Issue.record("expected neighbours"); return }
    // Classes in label order, the first two items of each in dataset order.
    let queryIndices = result.queryItems?.map(\.datasetIndex)
    #expect(queryIndices == [1, 3, 2, 5, 0, 4])
    #expect(result.queryItems?.map(\.label) == [1, 3, 2, 5, 0, 4].map { "class \(labels[$0])" })
    for (query, matches) in zip(queryIndices ?? [], result.queries) {
      #expect(matches.count == 3)
      #expect(!matches.contains { $0.datasetIndex == query })
      // Each neighbour carries its class and a thumbnail of the picture the model saw.
      #expect(matches.allSatisfy { $0.label == "class \(labels[$0.datasetIndex])" && $0.thumbnail.rgb.count == 3 * $0.thumbnail.width * $0.thumbnail.height })
    }
    #expect(output.convention("same class as the query")?.hasPrefix("feature space ") == true)
    #expect(result.pixelQueries.isEmpty)
  }

  @Test("pixel space: cosine of the input tensors, checked against a brute-force computation")
  func pixelSpace() throws {
    let images = Behaviour.randomImages(7, seed: 21)
    let dataset = MemoryDataset(images: images, labels: [0, 1, 2, 0, 1, 2, 0])
    let query = Behaviour.randomImages(1, seed: 99)
    let method = try MethodRegistry.make("neighbours", settings: ["k": .int(4), "pixels": .bool(true)])
    let output = try method.run(MethodContext(network: try Behaviour.tinyClassifier(), images: query, dataset: dataset))
    guard case .neighbours(let result) = output.payload else { Issue.record("expected neighbours"); return }
    // Independent reference: cosine in Double over the flattened [3, 8, 8] inputs, best first.
    let q = query.values.map(Double.init)
    let cosines = (0..<7).map { index -> Double in
      let item = images.item(index).values.map(Double.init)
      let dot = zip(q, item).map { $0 * $1 }.reduce(0, +)
      return dot / ((q.map { $0 * $0 }.reduce(0, +)).squareRoot() * (item.map { $0 * $0 }.reduce(0, +)).squareRoot())
    }
    let expected = (0..<7).sorted { cosines[$0] > cosines[$1] }.prefix(4)
    let pixel = try #require(result.pixelQueries.first)
    #expect(pixel.map(\.datasetIndex) == Array(expected))
    for match in pixel { #expect(abs(Double(match.score) - cosines[match.datasetIndex]) < 1e-5) }
  }

  @Test("the default layer is the global-pool output")
  func defaultLayer() throws {
    #expect(try BehaviourLayers.globalPoolOutput(try Behaviour.tinyClassifier()) == "pool")
  }
}
