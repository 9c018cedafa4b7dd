import Foundation
import Testing

@testable import ONNXImport

// Methods, notebooks and rendering read graphs through op traits and windows (ARCHITECTURE.md, "Seams"):
// no ONNX op type may appear there as a string literal, so none can branch on an op's name.
@Test("no ONNX op type is written as a string literal in Sources/Methods, Sources/Notebooks, Sources/Rendering")
func noOpTypeLiteralsOutsideImport() throws {
  let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  let opTypes = Set(OpBuilders.table.keys).union(["Shape", "ConstantOfShape", "Range", "Constant"])
  var found: [String] = []
  var files = 0
  for folder in ["Methods", "Notebooks", "Rendering"] {
    let sources = root.appendingPathComponent("Sources/\(folder)")
    let enumerator = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
    for case let url as URL in enumerator where url.pathExtension == "swift" {
      files += 1
      let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
      for (number, line) in lines.enumerated() {
        for opType in opTypes where line.contains("\"\(opType)\"") {
          found.append("Sources/\(folder)/\(url.lastPathComponent):\(number + 1): \"\(opType)\"")
        }
      }
    }
  }
  #expect(files > 20, "read only \(files) source files under \(root.path)/Sources")
  #expect(found.isEmpty, "\(found.joined(separator: "\n"))")
}
