import Engine
import Foundation
import Imaging
import ONNXFormat
import Testing

@testable import ONNXImport

// Exports hold the batch they were traced with (1) as plain numbers in reshape targets; the importer
// finds by shape inference which dimensions follow the batch (BatchTracking), never by comparing values.

/// The fixtures traced at batch 1 whose input has 3 items (make_op_fixtures.py `run_batch`).
func batchFixtures() throws -> [OpFixtureCase] { try OpFixtures.cases().filter { $0.name.hasSuffix("_batch3") } }

@Test("a network traced at batch 1 gives each item's onnxruntime output at batch 1 too", arguments: try batchFixtures())
func batchFixtureItemByItem(_ fixture: OpFixtureCase) throws {
  let network = try ONNXNetworkLoader.load(contentsOf: OpFixtures.file("\(fixture.name).onnx"))
  let input = try NPYFile.read(contentsOf: OpFixtures.file("\(fixture.name).input.npy"))
  let expected = try NPYFile.read(contentsOf: OpFixtures.file(OpFixtures.outputFileName(case: fixture.name, output: 0)))
  let batch = Tensor(shape: input.shape, values: input.values), reference = Tensor(shape: expected.shape, values: expected.values)
  try #require(batch.shape[0] == 3 && reference.shape[0] == 3)
  for item in 0..<3 {
    let actual = try network.forward(batch.item(item)).output()
    let row = reference.item(item)
    try #require(actual.shape == row.shape, "\(fixture.name) item \(item): shape \(actual.shape), expected \(row.shape)")
    let difference = MaxAbsDifference(actual: actual.values, expected: row.values)
    #expect(difference.value <= fixture.tolerance, "\(fixture.name) item \(item): max abs diff \(difference.value)")
  }
}

struct BatchFollowingTests {
  func int64s(_ values: [Int]) -> ONNXConstant { ONNXConstant(shape: [values.count], int64s: values.map { Int64($0) }) }

  func run(_ graph: ONNXGraph, _ x: Tensor) throws -> Tensor {
    try ONNXNetworkLoader.network(from: graph).forward(x).output()
  }

  func input(_ shape: [Int]) -> Tensor {
    Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { Float(($0 * 37) % 23) / 7 - 1.5 })
  }

  @Test func aLeadingOneThatIsNotTheBatchStays() throws {
    // m, the mean over the batch, is the same for every batch; its reshape to [1, 64] must not become
    // [N, 64] because 1 equals the declared batch (the rule this replaces did exactly that).
    // y = Reshape(x, [1, 64]) (this 1 is the batch) − Reshape(m, [1, 64]).
    let graph = testGraph([
      ONNXNode(name: "mean", opType: "ReduceMean", inputs: ["x"], outputs: ["m"], attributes: ["axes": .ints([0]), "keepdims": .int(1)]),
      ONNXNode(name: "flat_mean", opType: "Reshape", inputs: ["m", "shape"], outputs: ["fm"]),
      ONNXNode(name: "flat", opType: "Reshape", inputs: ["x", "shape"], outputs: ["f"]),
      ONNXNode(name: "centre", opType: "Sub", inputs: ["f", "fm"], outputs: ["y"]),
    ], inputShape: [1, 4, 4, 4], constants: ["shape": int64s([1, 64])])
    let x = input([3, 4, 4, 4])
    let y = try run(graph, x)
    #expect(y.shape == [3, 64])
    let mean = (0..<64).map { i in (0..<3).reduce(Float(0)) { $0 + x.values[$1 * 64 + i] } / 3 }
    let centred = (0..<192).map { x.values[$0] - mean[$0 % 64] }
    #expect(MaxAbsDifference(actual: y.values, expected: centred).value < 1e-6)
  }

  @Test func anOutputThatMixesTheItemsRefusesOtherBatches() throws {
    // The output is the mean over the batch: right at the traced batch, meaningless per item at any
    // other, so other batches are refused with the node that mixes the items.
    let graph = testGraph([
      ONNXNode(name: "mean", opType: "ReduceMean", inputs: ["x"], outputs: ["y"], attributes: ["axes": .ints([0]), "keepdims": .int(1)]),
    ], inputShape: [1, 4, 4, 4])
    let network = try ONNXNetworkLoader.network(from: graph)
    #expect(try network.forward(input([1, 4, 4, 4])).output() == input([1, 4, 4, 4]))
    do {
      _ = try network.forward(input([3, 4, 4, 4]))
      Issue.record("batch 3 was not refused")
    } catch {
      #expect("\(error)" == "this model runs at batch 1 only, not 3: output 'y' does not follow the batch (node 'mean' (ReduceMean) "
        + "makes 'y' from all items of the batch at once); run it one input at a time")
    }
  }

  @Test func theTracedBatchFollowsTheInput() throws {
    // dynamo's view(x, [1, 8]) of [N, 8, 1, 1], and LeViT's [N·4, 8] back to [1, 4, 8].
    let graph = testGraph([
      ONNXNode(name: "pool", opType: "GlobalAveragePool", inputs: ["x"], outputs: ["p"]),
      ONNXNode(name: "flat", opType: "Reshape", inputs: ["p", "flat_shape"], outputs: ["f"], attributes: ["allowzero": .int(1)]),
      ONNXNode(name: "rows", opType: "Reshape", inputs: ["f", "rows_shape"], outputs: ["r"]),  // [4, 2] at batch 1
      ONNXNode(name: "back", opType: "Reshape", inputs: ["r", "back_shape"], outputs: ["y"]),  // [1, 2, 4]
    ], inputShape: [1, 8, 3, 3], constants: ["flat_shape": int64s([1, 8]), "rows_shape": int64s([4, 2]), "back_shape": int64s([1, 2, 4])])
    let x = input([5, 8, 3, 3])
    let y = try run(graph, x)
    #expect(y.shape == [5, 2, 4])
    let means = (0..<40).map { i in (0..<9).reduce(Float(0)) { $0 + x.values[i * 9 + $1] } / 9 }
    #expect(MaxAbsDifference(actual: y.values, expected: means).value < 1e-5)
  }

  @Test func aBatchMergedInsideADimensionIsTracked() throws {
    // [1, 6, 4] -> [1, 2, 3, 4] -> Transpose [2, 0, 1, 3] -> [3, N, 2, 4] -> [3, 8] (the batch inside
    // axis 1, above 2·4) -> [3, 1, 2, 4] -> Transpose back -> [1, 6, 4]: the identity at every batch.
    let graph = testGraph([
      ONNXNode(name: "split", opType: "Reshape", inputs: ["x", "s1"], outputs: ["a"]),
      ONNXNode(name: "move", opType: "Transpose", inputs: ["a"], outputs: ["b"], attributes: ["perm": .ints([2, 0, 1, 3])]),
      ONNXNode(name: "merge", opType: "Reshape", inputs: ["b", "s2"], outputs: ["c"]),
      ONNXNode(name: "unmerge", opType: "Reshape", inputs: ["c", "s3"], outputs: ["d"]),
      ONNXNode(name: "back", opType: "Transpose", inputs: ["d"], outputs: ["e"], attributes: ["perm": .ints([1, 2, 0, 3])]),
      ONNXNode(name: "join", opType: "Reshape", inputs: ["e", "s4"], outputs: ["y"]),
    ], inputShape: [1, 6, 4], constants: ["s1": int64s([1, 2, 3, 4]), "s2": int64s([3, 8]), "s3": int64s([3, 1, 2, 4]),
                                          "s4": int64s([1, 6, 4])])
    let x = input([4, 6, 4])
    #expect(try run(graph, x) == x)
    #expect(try run(graph, x.item(2)) == x.item(2))
  }

  @Test func aSequenceFirstMergeIsResolvedByTheLayerAfterIt() throws {
    // nn.MultiheadAttention works sequence-first: [N, T, C] -> [T, N, C] -> view(T·N, C) -> Linear.
    // At batch 1 the target [4, 6] could hold the batch in either dimension ([4·N, 6] or [4, 6·N]);
    // the preferred guess ([4, 6·N]) makes the Gemm after it fail at another batch, so the importer
    // takes the other one.
    let weights = ONNXConstant(shape: [6, 6], floats: (0..<36).map { Float($0 % 7) / 7 - 0.4 })
    let graph = testGraph([
      ONNXNode(name: "seq_first", opType: "Transpose", inputs: ["x"], outputs: ["t"], attributes: ["perm": .ints([1, 0, 2])]),
      ONNXNode(name: "merge", opType: "Reshape", inputs: ["t", "merged"], outputs: ["m"]),
      ONNXNode(name: "linear", opType: "Gemm", inputs: ["m", "w"], outputs: ["g"], attributes: ["transB": .int(1)]),
      ONNXNode(name: "split", opType: "Reshape", inputs: ["g", "unmerged"], outputs: ["u"]),
      ONNXNode(name: "batch_first", opType: "Transpose", inputs: ["u"], outputs: ["y"], attributes: ["perm": .ints([1, 0, 2])]),
    ], inputShape: [1, 4, 6], constants: ["merged": int64s([4, 6]), "unmerged": int64s([4, 1, 6]), "w": weights])
    let network = try ONNXNetworkLoader.network(from: graph)
    let x = input([3, 4, 6])
    let batched = try network.forward(x).output()
    #expect(batched.shape == [3, 4, 6])
    for item in 0..<3 {
      #expect(MaxAbsDifference(actual: try network.forward(x.item(item)).output().values, expected: batched.item(item).values).value < 1e-5)
    }
  }

  @Test func aClassTokenFoldedAtBatchOneJoinsEveryItem() throws {
    // TorchScript writes cls.expand(N, -1, -1) at batch 1 as Expand(cls, [1, 1, 1]), folded to [1, 1, C].
    let cls = ONNXConstant(shape: [1, 1, 4], floats: [9, 8, 7, 6])
    let graph = testGraph([
      ONNXNode(name: "expand", opType: "Expand", inputs: ["cls", "ones"], outputs: ["token"]),
      ONNXNode(name: "join", opType: "Concat", inputs: ["token", "x"], outputs: ["y"], attributes: ["axis": .int(1)]),
    ], inputShape: [1, 3, 4], constants: ["cls": cls, "ones": int64s([1, 1, 1])])
    let network = try ONNXNetworkLoader.network(from: graph)
    #expect(network.nodes.map(\.op.typeName) == ["Concat"], "the Expand of a constant is folded at load time")
    let x = input([2, 3, 4])
    let y = try network.forward(x).output()
    #expect(y.shape == [2, 4, 4])
    #expect(Array(y.values[0..<4]) == [9, 8, 7, 6] && Array(y.values[16..<20]) == [9, 8, 7, 6])
    #expect(Array(y.values[20..<32]) == Array(x.values[12..<24]))
  }

  @Test func foldedShapeOpsLeaveNoNodes() throws {
    // The folding fixtures compute pads, masks and fills from shapes; none of those ops may remain.
    for name in ["fold_constant_of_shape_range", "fold_scatternd_mask", "fold_tf_same_padding", "fold_sinusoidal_cumsum",
                 "fold_weight_standardization", "net_dynamic_batch_axis"] {
      let network = try ONNXNetworkLoader.load(contentsOf: OpFixtures.file("\(name).onnx"))
      let left = Set(network.nodes.map(\.op.typeName)).intersection([
        "Shape", "ConstantOfShape", "Range", "ScatterND", "Not", "Equal", "Where", "Cast", "Ceil", "Floor", "Max", "Mod",
        "ReduceSum", "Concat", "Gather", "Unsqueeze", "Slice", "CumSum", "Sin", "Cos", "BatchNormalization", "ReduceMean",
      ])
      #expect(left.isEmpty, "\(name) still runs \(left.sorted()) at run time")
    }
  }
}
