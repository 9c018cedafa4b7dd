import CDNNL

/// The channel block of the engine's blocked layout on this CPU, and the instruction set oneDNN
/// dispatches to. oneDNN 2.6's direct convolution kernels take `nChw16c` on AVX-512 and `nChw8c` on
/// AVX2, AVX and SSE4.1; handing them the other width sends every convolution to the reference loops
/// (20-2000× slower). So the width is asked of oneDNN, once per process, never assumed.
/// `ONEDNN_MAX_CPU_ISA` (read by oneDNN when its first primitive is made) caps the ISA and so the width.
public enum ChannelBlock {
  /// 16 or 8: the block width of `Layout.native`.
  public static let width: Int = probeWidth()

  /// A 3×3 64 → 64 convolution on 28×28, the engine's typical problem: oneDNN picks the source format
  /// under `dnnl_format_tag_any`. Where it answers with a channel-last format (AVX-512's brgconv kernels
  /// choose nhwc), the widest fixed block whose direct kernel is not reference code wins.
  private static func probeWidth() -> Int {
    if let chosen = try? chosenSourceBlock(), chosen == 8 || chosen == 16 { return chosen }
    for width in [16, 8] where (try? implementation(width: width)).map({ !KernelAudit.isReference($0) }) == true {
      return width
    }
    return 8
  }

  private static func convolutionDescriptor(_ tag: dnnl_format_tag_t) throws -> dnnl_convolution_desc_t {
    var src = try DNNLRuntime.descriptor([1, 64, 28, 28], tag)
    var dst = try DNNLRuntime.descriptor([1, 64, 28, 28], tag)
    var weights = try DNNLRuntime.descriptor([64, 64, 3, 3], dnnl_format_tag_any)
    var desc = dnnl_convolution_desc_t()
    try DNNLRuntime.check(dnnl_dilated_convolution_forward_desc_init(
      &desc, dnnl_forward_inference, dnnl_convolution_direct, &src, &weights, nil, &dst, [1, 1], [0, 0], [1, 1], [1, 1]),
      "describe the probe convolution")
    return desc
  }

  private static func withProbe<T>(_ tag: dnnl_format_tag_t, _ body: (dnnl_primitive_desc_t) throws -> T) throws -> T {
    var desc = try convolutionDescriptor(tag)
    let pd = try withUnsafePointer(to: &desc) {
      try DNNLRuntime.shared.primitiveDescriptor(UnsafeRawPointer($0), what: "probe convolution")
    }
    defer { dnnl_primitive_desc_destroy(pd) }
    return try body(pd)
  }

  /// The channel block of the source format oneDNN chose under `any` (nil if not channel-blocked).
  private static func chosenSourceBlock() throws -> Int? {
    try withProbe(dnnl_format_tag_any) { pd in
      guard let src = DNNLRuntime.queried(pd, dnnl_query_src_md) else { return nil }
      return channelBlock(of: src)
    }
  }

  private static func implementation(width: Int) throws -> String {
    try withProbe(width == 16 ? dnnl_nChw16c : dnnl_nChw8c) { DNNLRuntime.implementationName($0) }
  }

  /// The block width of a 4-D descriptor blocked on channels only (nChw8c, nChw16c), else nil.
  static func channelBlock(of desc: dnnl_memory_desc_t) -> Int? {
    guard desc.ndims == 4, desc.format_kind == dnnl_blocked else { return nil }
    let blocking = desc.format_desc.blocking
    guard blocking.inner_nblks == 1, blocking.inner_idxs.0 == 1 else { return nil }
    return Int(blocking.inner_blks.0)
  }

  /// The instruction set oneDNN dispatches to in this process (after any `ONEDNN_MAX_CPU_ISA` cap).
  public static var instructionSet: String {
    let isa = dnnl_get_effective_cpu_isa().rawValue
    let names: [(dnnl_cpu_isa_t, String)] = [
      (dnnl_cpu_isa_avx512_core_amx, "AVX-512 (AMX)"), (dnnl_cpu_isa_avx512_core_bf16, "AVX-512 (BF16)"),
      (dnnl_cpu_isa_avx512_core_vnni, "AVX-512 (VNNI)"), (dnnl_cpu_isa_avx512_core, "AVX-512"),
      (dnnl_cpu_isa_avx2_vnni, "AVX2 (VNNI)"), (dnnl_cpu_isa_avx2, "AVX2"), (dnnl_cpu_isa_avx, "AVX"),
      (dnnl_cpu_isa_sse41, "SSE4.1"),
    ]
    // ISA values are feature bit masks: the first whose bits are all present is the richest.
    for (candidate, name) in names where isa & candidate.rawValue == candidate.rawValue { return name }
    return "no vector ISA"
  }
}
