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

  @Test("the default layer is the global-pool output")
  func defaultLayer() throws {
    #expect(try BehaviourLayers.globalPoolOutput(try Behaviour.tinyClassifier()) == "pool")
  }
}
