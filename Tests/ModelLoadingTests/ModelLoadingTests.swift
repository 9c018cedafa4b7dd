import Engine
import Foundation
import Imaging
import Testing
@testable import ModelLoading

@Suite struct ModelLoadingTests {
  @Test func batchesGroupEqualShapesUpToTheSize() {
    func input(_ name: String, _ side: Int) -> ModelInput {
      ModelInput(name: name, tensor: Tensor(shape: [1, 3, side, side], values: [Float](repeating: 0, count: 3 * side * side)),
                 displayImage: nil)
    }
    let inputs = [input("a", 2), input("b", 2), input("c", 2), input("d", 3), input("e", 2)]
    let batches = ModelInput.batches(inputs, size: 2)
    #expect(batches.map { $0.map(\.name) } == [["a", "b"], ["c"], ["d"], ["e"]])
  }

  @Test func npyBatchSplitsIntoItemsAndFoldersExpand() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convlens-inputs-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let values = (0..<(2 * 3 * 2 * 2)).map(Float.init)
    try NPYFile.encode(NPYArray(shape: [2, 3, 2, 2], values: values)).write(to: folder.appendingPathComponent("pair.npy"))
    try Data("not an image".utf8).write(to: folder.appendingPathComponent("notes.txt"))
    let inputs = try ModelInput.load(paths: [folder.path], preset: .imagenet)
    #expect(inputs.count == 2)
    #expect(inputs[1].name.hasSuffix("pair.npy[1]"))
    #expect(inputs[1].tensor.shape == [1, 3, 2, 2])
    #expect(inputs[1].tensor.values == Array(values[12..<24]))
  }

  @Test func missingInputsAndEmptyFoldersAreClearErrors() throws {
    #expect(throws: ModelLoadingError.self) { try ModelInput.load(paths: ["/nonexistent/cat.jpg"], preset: .imagenet) }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convlens-empty-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    do {
      _ = try ModelInput.load(paths: [folder.path], preset: .imagenet)
      Issue.record("an empty folder must be refused")
    } catch let error as ModelLoadingError {
      #expect(error.description.contains("holds no PNG, JPEG or .npy"))
    }
    #expect(throws: ModelLoadingError.self) { try LoadedModel.load(path: "/nonexistent/model.onnx") }
  }

  @Test func bundledModelLoadsWithImageNetLabels() throws {
    guard BundledResources.root != nil else {
      Issue.record("the bundled model must be found from the checkout")
      return
    }
    let model = try LoadedModel.load(path: nil)
    #expect(model.isBundled)
    #expect(model.labels?.count == 1000)
    #expect(model.label(281) == "tabby")
    #expect(model.label(5000) == "class 5000")
  }
}
