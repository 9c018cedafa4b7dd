import Engine
import Foundation
import Imaging

/// One input item for a model: an image file after preprocessing, or a preprocessed `.npy` tensor.
public struct ModelInput: Sendable {
  /// The path as the user gave it (with an item index for multi-item .npy files).
  public let name: String
  /// [1, 3, H, W], normalised as the model expects.
  public let tensor: Tensor
  /// The picture the model saw (after resize and crop), when the input was an image.
  public let displayImage: RGBImage?

  /// Loads every path: images through `preset`, `.npy` files as already preprocessed tensors
  /// ([3, H, W] or [N, 3, H, W]). A folder contributes its PNG and JPEG files in name order.
  public static func load(paths: [String], preset: PreprocessPreset) throws -> [ModelInput] {
    var inputs: [ModelInput] = []
    for path in try expand(paths) {
      let url = URL(fileURLWithPath: path)
      if url.pathExtension.lowercased() == "npy" {
        let array = try NPYFile.read(contentsOf: url)
        switch array.shape.count {
        case 3:
          inputs.append(ModelInput(name: path, tensor: Tensor(shape: [1] + array.shape, values: array.values), displayImage: nil))
        case 4:
          let tensor = Tensor(shape: array.shape, values: array.values)
          for item in 0..<array.shape[0] {
            inputs.append(ModelInput(name: array.shape[0] == 1 ? path : "\(path)[\(item)]", tensor: tensor.item(item), displayImage: nil))
          }
        default:
          throw ModelLoadingError("\(path): a .npy input must be [3, H, W] or [N, 3, H, W], got \(array.shape)")
        }
      } else {
        let image = try ImageDecoder.decode(contentsOf: url)
        let prepared = preprocess(image, preset: preset)
        inputs.append(ModelInput(name: path, tensor: Tensor(shape: [1] + prepared.shape, values: prepared.values),
                                 displayImage: prepared.displayImage))
      }
    }
    return inputs
  }

  /// Paths with folders replaced by the images they hold (sorted, not recursive).
  static func expand(_ paths: [String]) throws -> [String] {
    let fileManager = FileManager.default
    var result: [String] = []
    for path in paths {
      var isDirectory: ObjCBool = false
      guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw ModelLoadingError("input not found: \(path)")
      }
      if isDirectory.boolValue {
        let names = try fileManager.contentsOfDirectory(atPath: path).sorted()
        let images = names.filter { ["png", "jpg", "jpeg", "npy"].contains(($0 as NSString).pathExtension.lowercased()) }
        if images.isEmpty { throw ModelLoadingError("folder \(path) holds no PNG, JPEG or .npy files") }
        result.append(contentsOf: images.map { (path as NSString).appendingPathComponent($0) })
      } else {
        result.append(path)
      }
    }
    return result
  }

  /// Groups consecutive inputs of equal shape into batches of at most `size`.
  public static func batches(_ inputs: [ModelInput], size: Int) -> [[ModelInput]] {
    var batches: [[ModelInput]] = []
    for input in inputs {
      if let last = batches.last, last.count < max(size, 1), last[0].tensor.shape == input.tensor.shape {
        batches[batches.count - 1].append(input)
      } else {
        batches.append([input])
      }
    }
    return batches
  }
}
