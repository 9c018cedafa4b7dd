// The plain, engine-independent graph that ONNXFileLoader produces. ONNXImport turns it into
// engine ops; nothing here knows about the engine or the generated protobuf types.

/// A loaded ONNX model: its real inputs and outputs, constant tensors and the nodes left to run.
public struct ONNXGraph: Sendable {
  public var irVersion: Int
  /// Opset of the default ("" / "ai.onnx") domain, 13...21.
  public var opsetVersion: Int
  public var producerName: String
  /// Real graph inputs only: names that are initializers are excluded.
  public var inputs: [ONNXValueInfo]
  public var outputs: [ONNXValueInfo]
  /// Shapes declared in graph.value_info, inputs and outputs (nil = symbolic or unknown dim).
  public var valueShapes: [String: [Int?]]
  /// Initializers and folded constants, by tensor name.
  public var constants: [String: ONNXConstant]
  /// The nodes that were not folded, in topological order.
  public var nodes: [ONNXNode]

  public init(
    irVersion: Int, opsetVersion: Int, producerName: String, inputs: [ONNXValueInfo],
    outputs: [ONNXValueInfo], valueShapes: [String: [Int?]], constants: [String: ONNXConstant],
    nodes: [ONNXNode]
  ) {
    self.irVersion = irVersion
    self.opsetVersion = opsetVersion
    self.producerName = producerName
    self.inputs = inputs
    self.outputs = outputs
    self.valueShapes = valueShapes
    self.constants = constants
    self.nodes = nodes
  }
}

/// A named graph input or output with its declared dims (nil = symbolic or unknown dim;
/// [] when the file declares no shape at all, in which case `valueShapes` has no entry).
public struct ONNXValueInfo: Sendable, Equatable {
  public var name: String
  public var dims: [Int?]

  public init(name: String, dims: [Int?]) {
    self.name = name
    self.dims = dims
  }
}

/// One operator application. `domain` is "" for the default ONNX domain ("ai.onnx" is normalised to "").
public struct ONNXNode: Sendable, Equatable {
  /// The node's name; "OpType_index" (index in the file's node list) when the file leaves it empty.
  public var name: String
  public var opType: String
  public var domain: String
  /// "" marks an omitted optional input; positions are kept.
  public var inputs: [String]
  public var outputs: [String]
  public var attributes: [String: ONNXAttribute]

  public init(
    name: String, opType: String, domain: String = "", inputs: [String], outputs: [String],
    attributes: [String: ONNXAttribute] = [:]
  ) {
    self.name = name
    self.opType = opType
    self.domain = domain
    self.inputs = inputs
    self.outputs = outputs
    self.attributes = attributes
  }
}

/// A node attribute. Graph-valued and sparse attributes are refused at load time.
public enum ONNXAttribute: Sendable, Equatable {
  case int(Int)
  case float(Float)
  case string(String)
  case ints([Int])
  case floats([Float])
  case strings([String])
  case tensor(ONNXConstant)
}

/// A constant tensor. Floating types (float16, bfloat16, double) are stored as Float; integer and
/// bool types as Int64 (bool as 0 / 1). Row-major; `shape == []` is a scalar.
public struct ONNXConstant: Sendable, Equatable {
  public enum Storage: Sendable, Equatable {
    case float([Float])
    case int64([Int64])
  }

  public var shape: [Int]
  public var storage: Storage

  public init(shape: [Int], storage: Storage) {
    self.shape = shape
    self.storage = storage
  }

  public init(shape: [Int], floats: [Float]) {
    self.init(shape: shape, storage: .float(floats))
  }

  public init(shape: [Int], int64s: [Int64]) {
    self.init(shape: shape, storage: .int64(int64s))
  }

  /// The values as Float (int64 converted).
  public var floatValues: [Float] {
    switch storage {
    case .float(let values): return values
    case .int64(let values): return values.map { Float($0) }
    }
  }

  /// The values as Int (floats truncated toward zero; NaN and out-of-range floats become 0 or clamp).
  public var intValues: [Int] {
    switch storage {
    case .float(let values): return values.map { Int(exactly: $0.rounded(.towardZero)) ?? Self.clampedInt($0) }
    case .int64(let values): return values.map { Int($0) }
    }
  }

  /// The values as Int64 (floats truncated like `intValues`).
  public var int64Values: [Int64] {
    switch storage {
    case .float: return intValues.map { Int64($0) }
    case .int64(let values): return values
    }
  }

  public var count: Int {
    switch storage {
    case .float(let values): return values.count
    case .int64(let values): return values.count
    }
  }

  public var isInteger: Bool {
    if case .int64 = storage { return true }
    return false
  }

  private static func clampedInt(_ value: Float) -> Int {
    if value.isNaN { return 0 }
    return value > 0 ? Int.max : Int.min
  }
}

/// Bounds that keep a hostile or broken file from exhausting memory.
public struct ONNXLoadLimits: Sendable {
  /// Largest model file (the .onnx itself, not its external data) that is read.
  public var maxFileBytes: Int
  /// Largest element count of any one tensor (initializer, attribute or folded result).
  public var maxElements: Int

  public init(maxFileBytes: Int, maxElements: Int) {
    self.maxFileBytes = maxFileBytes
    self.maxElements = maxElements
  }

  /// 2 GiB files (protobuf's own limit) and 256 M elements (1 GiB of Float32) per tensor.
  public static let `default` = ONNXLoadLimits(maxFileBytes: 2 << 30, maxElements: 1 << 28)
}
