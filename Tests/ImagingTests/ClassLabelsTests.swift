import Foundation
import Imaging
import Testing

struct ClassLabelsTests {
  @Test func oneLabelPerLineTrailingBlankIgnored() throws {
    let labels = try ClassLabels.parse(data: Data("tench\ngoldfish\r\ngreat white shark\n\n".utf8), name: "l.txt")
    #expect(labels.names == ["tench", "goldfish", "great white shark"])
    #expect(labels.index(of: "Goldfish") == 1)
    #expect(labels.index(of: "salmon") == nil)
  }

  @Test func blankLineInTheMiddleIsAnError() {
    do {
      _ = try ClassLabels.parse(data: Data("a\n\nb\n".utf8), name: "l.txt")
      Issue.record("a blank middle line was accepted")
    } catch {
      #expect("\(error)" == "l.txt: line 2 is blank (expected one class name per line)")
    }
  }

  @Test func emptyOrBinaryFilesAreErrors() {
    #expect(throws: ClassLabelsError.self) { try ClassLabels.parse(data: Data("\n\n".utf8), name: "e.txt") }
    #expect(throws: ClassLabelsError.self) { try ClassLabels.parse(data: Data([0xFF, 0xFE, 0x80]), name: "b.txt") }
    #expect(throws: ClassLabelsError.self) { try ClassLabels.load(contentsOf: URL(fileURLWithPath: "/nonexistent/l.txt")) }
  }

  @Test func closestNamesByEditDistance() {
    let labels = ClassLabels(names: ["tabby", "tiger cat", "Egyptian cat", "tiger", "Persian cat"])
    #expect(labels.closest(to: "tigr cat", count: 1) == ["tiger cat"])
    #expect(labels.closest(to: "TABBY", count: 2).first == "tabby")
    #expect(labels.closest(to: "egyptian", count: 1) == ["Egyptian cat"])
    #expect(labels.closest(to: "x", count: 0).isEmpty)
    #expect(labels.closest(to: "cat", count: 10).count == 5)
  }

  @Test(.enabled(if: Fixtures.sharedFile("data/imagenet_classes.txt") != nil, "needs ../shared/data/imagenet_classes.txt"))
  func loadsTheSharedImageNetClasses() throws {
    let url = try #require(Fixtures.sharedFile("data/imagenet_classes.txt"))
    let labels = try ClassLabels.load(contentsOf: url)
    #expect(labels.count == 1000)
    #expect(labels.names[0] == "tench")
    #expect(labels.names[285] == "Egyptian cat")
  }
}
