/// The graph with every tensor name resolved to a slot number once, so a forward pass indexes an
/// array instead of hashing tensor names (a few hundred lookups per pass on a mobile network).
struct ForwardProgram {
  /// Tensor name -> slot; `names[slot]` is the name back.
  let slot: [String: Int]
  let names: [String]
  /// Per node: the slots it reads (-1: a name nothing produces, reported when the node runs) and writes.
  let inputs: [[Int]]
  let outputs: [[Int]]
  /// Per node: slots no later node reads (forward-only runs release them after the node).
  let releases: [[Int]]
  /// Per node: its fusion (Conv nodes only), with the slots the fused run writes and accumulates into.
  let fusions: [SlotFusion?]
  /// The same for gradient runs (`FusionPlan(forGradients: true)`).
  let gradientFusions: [SlotFusion?]

  struct SlotFusion {
    let fusion: ConvolutionFusion
    let output: Int
    let residual: Int?
    /// Slots of the tensors the fused primitive never writes (the conv's own output, the Add's when an activation follows).
    let intermediates: [Int]
    /// The residual is no graph output or constant and no node after the conv reads it by name (other
    /// than the absorbed ones): the sum may overwrite its buffer if no alias holds it (checked per run).
    /// Never in a gradient run, which keeps the residual's values.
    let residualMayBeOverwritten: Bool
  }

  init(nodes: [Node], inputName: String, constantNames: [String], outputNames: [String], plan: FusionPlan, gradientPlan: FusionPlan) {
    var slot: [String: Int] = [:]
    var names: [String] = []
    func add(_ name: String) {
      if slot[name] == nil { slot[name] = names.count; names.append(name) }
    }
    add(inputName)
    constantNames.sorted().forEach(add)
    for node in nodes { node.outputs.forEach(add) }
    self.slot = slot
    self.names = names
    inputs = nodes.map { $0.inputs.map { slot[$0] ?? -1 } }
    outputs = nodes.map { $0.outputs.map { slot[$0] ?? -1 } }
    var releases = Array(repeating: [Int](), count: nodes.count)
    for (index, tensors) in plan.releases { releases[index] = tensors.compactMap { slot[$0] }.sorted() }
    self.releases = releases
    fusions = Self.slotFusions(plan, nodes: nodes, slot: slot, constantNames: constantNames, outputNames: outputNames)
    gradientFusions = Self.slotFusions(gradientPlan, nodes: nodes, slot: slot, constantNames: constantNames, outputNames: outputNames)
  }

  private static func slotFusions(_ plan: FusionPlan, nodes: [Node], slot: [String: Int], constantNames: [String],
                                  outputNames: [String]) -> [SlotFusion?] {
    nodes.indices.map { index in
      guard let fusion = plan.fusions[index], let output = slot[fusion.output] else { return nil }
      let written = ([index] + fusion.absorbed).flatMap { nodes[$0].outputs }
      let overwritable = !plan.forGradients && fusion.residual.map { residual in
        plan.isLastRead(of: residual, after: index, except: fusion.absorbed) && !outputNames.contains(residual)
          && !constantNames.contains(residual)
      } ?? false
      return SlotFusion(fusion: fusion, output: output, residual: fusion.residual.flatMap { slot[$0] },
                        intermediates: written.filter { $0 != fusion.output }.compactMap { slot[$0] },
                        residualMayBeOverwritten: overwritable)
    }
  }
}
