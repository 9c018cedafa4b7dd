import Engine

/// Layer and channel choices shared by the behaviour methods.
enum BehaviourLayers {
  /// `name` if the network has such a tensor, else an error with the closest names.
  static func tensor(_ name: String, in network: Network) throws -> String {
    guard network.tensorNames.contains(name) else {
      let suggestions = closestNames(to: name, in: network.tensorNames, count: 3)
      throw MethodError("no tensor named '\(name)' in the network; closest: \(suggestions.joined(separator: ", ")) (`convlens inspect` lists them)")
    }
    return name
  }

  /// The default feature layer for neighbours and t-SNE: the output of the last global pooling
  /// (GlobalAveragePool, GlobalMaxPool, or a spatial ReduceMean), else the input of the last
  /// fully connected layer (Gemm/MatMul).
  static func globalPoolOutput(_ network: Network) throws -> String {
    if let pool = network.nodes.last(where: { $0.op.isGlobalPool }) {
      return pool.outputs[0]
    }
    if let linear = network.nodes.last(where: { $0.op.traits.contains(.linear) }), let input = linear.inputs.first {
      return input
    }
    throw MethodError("the network has no global pooling or fully connected layer to take features from; name a layer with `layer:`")
  }

  /// The chosen tensor: `auto` gives `fallback`.
  static func resolve(_ choice: LayerChoice, in network: Network, fallback: () throws -> String) throws -> String {
    switch choice {
    case .auto: return try fallback()
    case .named(let name): return try tensor(name, in: network)
    }
  }
}

/// A list of channel indices, from an integer, a list, or text such as "3, 5, 7".
public struct ChannelList: Sendable, Equatable, CustomStringConvertible, SettingConvertible {
  public var indices: [Int]
  public init(_ indices: [Int]) { self.indices = indices }

  public init(setting value: SettingValue) throws {
    switch value {
    case .int(let single): indices = [single]
    case .list(let items): indices = try items.map { try Int(setting: $0) }
    case .string(let text):
      indices = try text.split(whereSeparator: { $0 == "," || $0 == " " }).map { part in
        guard let index = Int(part) else { throw MethodError("channel list '\(text)': '\(part)' is not an integer (expected e.g. \"3, 5, 7\")") }
        return index
      }
    case .double, .bool, .mapping: throw SettingMismatch.kind
    }
    guard !indices.isEmpty else { throw MethodError("the channel list is empty; give channel indices such as \"3, 5, 7\" or leave it out") }
  }
  public static var settingKind: String { "a channel list such as \"3, 5, 7\"" }
  public var settingText: String { description }

  public var description: String { indices.map(String.init).joined(separator: ", ") }

  /// Checks every index against a layer with `channels` channels.
  func validated(channels: Int, layer: String) throws -> [Int] {
    for index in indices where index < 0 || index >= channels {
      throw MethodError("channel \(index) is out of range: layer '\(layer)' has \(channels) channels (0..<\(channels))")
    }
    return indices
  }
}

/// Small numeric helpers for the behaviour methods.
enum BehaviourMath {
  /// Indices of the `count` largest values, largest first (ties: lower index first).
  static func topIndices(_ values: [Float], count: Int) -> [Int] {
    Array(values.indices.sorted { values[$0] != values[$1] ? values[$0] > values[$1] : $0 < $1 }.prefix(max(count, 0)))
  }

  /// Mean of each channel of a [C, h, w] block stored in `values` from `offset`.
  static func channelMeans(_ values: [Float], offset: Int = 0, channels: Int, plane: Int) -> [Float] {
    (0..<channels).map { channel in
      var sum: Float = 0
      let base = offset + channel * plane
      for position in 0..<plane { sum += values[base + position] }
      return sum / Float(max(plane, 1))
    }
  }

  static func format(_ value: Float, digits: Int = 3) -> String { String(format: "%.\(digits)f", Double(value)) }
}
