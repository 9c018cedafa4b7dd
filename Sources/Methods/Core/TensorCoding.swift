import Engine
import Foundation

/// Tensors in method outputs are cached as they are: the shape, and the floats as little-endian
/// Float32 bytes (base64 in JSON), compact and exact. (The engine's `Tensor` knows nothing of
/// encodings; outputs are the first thing that stores one.)
extension Tensor: Codable {
  private enum CodingKeys: String, CodingKey { case shape, values }

  public init(from decoder: Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let shape = try container.decode([Int].self, forKey: .shape)
    let data = try container.decode(Data.self, forKey: .values)
    guard data.count % 4 == 0, shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == data.count / 4 else {
      throw DecodingError.dataCorruptedError(forKey: .values, in: container,
                                             debugDescription: "\(data.count) bytes do not hold a float32 tensor of shape \(shape)")
    }
    let values = (0..<(data.count / 4)).map { index in
      let bits = (0..<4).reduce(UInt32(0)) { $0 | UInt32(data[data.startIndex + index * 4 + $1]) << (8 * UInt32($1)) }
      return Float(bitPattern: bits)
    }
    self.init(shape: shape, values: values)
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(shape, forKey: .shape)
    var bytes = [UInt8]()
    bytes.reserveCapacity(values.count * 4)
    for value in values {
      let bits = value.bitPattern
      for shift in 0..<4 { bytes.append(UInt8((bits >> (8 * UInt32(shift))) & 0xff)) }
    }
    try container.encode(Data(bytes), forKey: .values)
  }
}
