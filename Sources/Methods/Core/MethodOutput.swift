import Engine
import Foundation

/// One key/value of the conventions a result was made with (method, layer, target, normalisation,
/// upsampling, colormap, alpha, rule, steps, seed, ...), in the order captions print them.
public struct Convention: Sendable, Equatable, Codable {
  public var key: String
  public var value: String
  public init(_ key: String, _ value: String) {
    self.key = key
    self.value = value
  }
}

/// What a method produced: a plain-data payload the figure builder switches over, the conventions
/// used (for captions and `--json` records) and the problems the run worked around. `Codable` as
/// it is: the notebook cache stores exactly this, so a cached render draws from the same values.
public struct MethodOutput: Sendable, Equatable, Codable {
  public var payload: Payload
  public var conventions: [Convention]
  /// What the run worked around (e.g. unreadable dataset images it skipped), kept with the output so
  /// a render from the cache still reports it.
  public var warnings: [String]
  public init(_ payload: Payload, conventions: [Convention], warnings: [String] = []) {
    self.payload = payload
    self.conventions = conventions
    self.warnings = warnings
  }

  public enum Payload: Sendable, Equatable, Codable {
    /// Channel-weighted maps (CAM family) at a layer's resolution.
    case layerMaps(LayerMaps)
    /// Per-pixel attributions at the input resolution.
    case pixelAttributions(PixelAttributions)
    /// A grid of small pictures (filters, activations, patches, class visualizations).
    case imageGrid(ImageGrid)
    /// Points in 2-D (t-SNE), with labels.
    case embedding(Embedding)
    /// Nearest neighbours of query images.
    case neighbours(Neighbours)
    /// A table of values.
    case table(ResultTable)
    /// Curves (deletion/insertion, loss over steps).
    case curve(Curve)
    /// Numbers that judge another method's maps (faithfulness, sanity checks), with their curves
    /// and maps.
    case evaluation(Evaluation)
    /// The classes a model ranks highest for each image.
    case predictions(Predictions)
  }

  /// The value of convention `key`, if recorded.
  public func convention(_ key: String) -> String? { conventions.first { $0.key == key }?.value }
}

/// A named number a map or an evaluation comes with (IG's completeness gap, a deletion AUC, ...).
public struct Metric: Sendable, Equatable, Codable {
  public var name: String
  public var value: Double
  public init(_ name: String, _ value: Double) {
    self.name = name
    self.value = value
  }
}

/// CAM-family maps: one per (image, class), after the ReLU (unless the method keeps the sign),
/// at the layer's resolution, unnormalised.
public struct LayerMaps: Sendable, Equatable, Codable {
  public struct Item: Sendable, Equatable, Codable {
    /// Index of the image in the batch.
    public var imageIndex: Int
    public var target: ClassInfo
    /// [h, w]
    public var map: Tensor
    public var measurements: [Metric] = []
  }
  public var layer: String
  /// The layer's shape for one image: [C, h, w].
  public var layerShape: [Int]
  /// The model input's spatial size [H, W], the size to upsample maps to for display.
  public var inputSize: [Int]
  /// True when the map keeps its sign (Grad-CAM with `relu: false`).
  public var signed: Bool
  public var items: [Item]
}

/// How a [3, H, W] attribution becomes one [H, W] display map.
public enum ChannelReduction: String, Sendable, Codable {
  /// max over channels of |a| (saliency, Simonyan 2013)
  case maxAbs = "max-abs"
  /// Σ over channels, keeping the sign (IG, occlusion)
  case sum
  /// Σ over channels of |a|
  case abs
}

/// Per-pixel attributions: one [3, H, W] tensor per (image, class), at the input resolution.
public struct PixelAttributions: Sendable, Equatable, Codable {
  public struct Item: Sendable, Equatable, Codable {
    public var imageIndex: Int
    public var target: ClassInfo
    /// [3, H, W]
    public var values: Tensor
    public var measurements: [Metric] = []
  }
  /// True when the values carry a sign (IG, occlusion, the rule gradients; saliency's are |·|).
  public var signed: Bool
  /// The method's own reduction to one [H, W] map (saliency: max |·|, IG: Σ).
  public var reduction: ChannelReduction
  /// True when the values are an input gradient that reads as a picture, the figures of
  /// Springenberg et al. 2014 and Selvaraju et al. 2017 (guided backprop, deconvnet, guided
  /// Grad-CAM): what they are, not how to show them.
  public var gradientImage = false
  public var items: [Item]
}

/// Small pictures in a grid: each cell [C, h, w] (C = 1 grey or 3 RGB), values already in [0, 1].
public struct ImageGrid: Sendable, Equatable, Codable {
  public struct Cell: Sendable, Equatable, Codable {
    public var image: Tensor
    public var caption: String
  }
  public var columns: Int
  public var cells: [Cell]
  /// Numbers that go with the pictures: the score curve of class visualization, the score drops
  /// of channel masking (nil for plain grids).
  public var curve: Curve? = nil
  public var table: ResultTable? = nil
}

/// 2-D points, one per dataset item.
public struct Embedding: Sendable, Equatable, Codable {
  /// [N, 2]
  public var points: Tensor
  public var labels: [Int?]
  public var classNames: [String]
}

/// For each query, the closest dataset items with their similarity, in feature space and
/// (when asked for) in pixel space, each with its class and the picture the model saw.
public struct Neighbours: Sendable, Equatable, Codable {
  public struct Match: Sendable, Equatable, Codable {
    public var datasetIndex: Int
    /// Cosine similarity to the query (1 for a query taken from the dataset).
    public var score: Float
    /// The dataset class name, or "#index" for an unlabelled item.
    public var label: String
    public var thumbnail: Thumbnail
  }
  /// Per query, by cosine similarity of the features at the layer.
  public var queries: [[Match]]
  /// Per query, by cosine similarity of the model's input tensors; empty when not asked for.
  public var pixelQueries: [[Match]]
  /// The queries as dataset items, when they were taken from the dataset; nil when they are the
  /// step's images.
  public var queryItems: [Match]?
}

/// Rows of text cells under a header: a method's numbers as a table.
public struct ResultTable: Sendable, Equatable, Codable {
  public var header: [String]
  public var rows: [[String]]
}

/// Named series of (x, y) points.
public struct Curve: Sendable, Equatable, Codable {
  public struct Series: Sendable, Equatable, Codable {
    public var name: String
    public var x: [Float]
    public var y: [Float]
  }
  public var xLabel: String
  public var yLabel: String
  public var series: [Series]
}

/// How well another method's maps hold up: per (image, class), named numbers, the curves they
/// summarise (deletion / insertion) and the maps they compare (one per sanity-check step).
public struct Evaluation: Sendable, Equatable, Codable {
  /// A map shown in a row of maps, with what it is and the numbers under it.
  public struct Panel: Sendable, Equatable, Codable {
    public var label: String
    /// [h, w], unnormalised (the method's own resolution).
    public var map: Tensor
    public var measurements: [Metric]
  }
  public struct Item: Sendable, Equatable, Codable {
    public var imageIndex: Int
    public var target: ClassInfo
    public var measurements: [Metric]
    public var curve: Curve? = nil
    public var panels: [Panel] = []
  }
  /// The method whose maps are judged ("grad-cam").
  public var method: String
  /// True when the panels keep their sign.
  public var signed: Bool
  /// How the panels were reduced from pixel attributions [3, H, W]; nil for CAM maps [h, w].
  public var reduction: ChannelReduction? = nil
  public var items: [Item]
  /// Numbers over all items (Average Drop is a mean over images).
  public var summary: [Metric] = []
}
