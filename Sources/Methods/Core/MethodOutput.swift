import Engine

/// One key/value of the conventions a result was made with (method, layer, target, normalisation,
/// upsampling, colormap, alpha, rule, steps, seed, ...), in the order captions print them.
public struct Convention: Sendable, Equatable, Encodable {
  public var key: String
  public var value: String
  public init(_ key: String, _ value: String) {
    self.key = key
    self.value = value
  }
}

/// What a method produced: a plain-data payload the figure builder switches over, and the
/// conventions used, for captions and `--json` records.
public struct MethodOutput: Sendable {
  public var payload: Payload
  public var conventions: [Convention]
  public init(_ payload: Payload, conventions: [Convention]) {
    self.payload = payload
    self.conventions = conventions
  }

  public enum Payload: Sendable {
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
    case table(Table)
    /// Curves (deletion/insertion, loss over steps).
    case curve(Curve)
    /// Numbers that judge another method's maps (faithfulness, sanity checks), with their curves
    /// and maps.
    case evaluation(Evaluation)
  }

  /// The value of convention `key`, if recorded.
  public func convention(_ key: String) -> String? { conventions.first { $0.key == key }?.value }
}

/// Extra numbers a map comes with (IG's completeness gap, ...), by name.
public struct Measurement: Sendable, Equatable, Encodable {
  public var name: String
  public var value: Double
  public init(_ name: String, _ value: Double) {
    self.name = name
    self.value = value
  }
}

/// CAM-family maps: one per (image, class), after the ReLU (unless the method keeps the sign),
/// at the layer's resolution, unnormalised.
public struct LayerMaps: Sendable {
  public struct Item: Sendable {
    /// Index of the image in the batch.
    public var imageIndex: Int
    public var target: ClassInfo
    /// [h, w]
    public var map: Tensor
    public var measurements: [Measurement]
    public init(imageIndex: Int, target: ClassInfo, map: Tensor, measurements: [Measurement] = []) {
      self.imageIndex = imageIndex
      self.target = target
      self.map = map
      self.measurements = measurements
    }
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
public enum ChannelReduction: String, Sendable, Encodable {
  /// max over channels of |a| (saliency, Simonyan 2013)
  case maxAbs = "max-abs"
  /// Σ over channels, keeping the sign (IG, occlusion)
  case sum
  /// Σ over channels of |a|
  case abs
}

/// Per-pixel attributions: one [3, H, W] tensor per (image, class), at the input resolution.
public struct PixelAttributions: Sendable {
  public struct Item: Sendable {
    public var imageIndex: Int
    public var target: ClassInfo
    /// [3, H, W]
    public var values: Tensor
    public var measurements: [Measurement]
    public init(imageIndex: Int, target: ClassInfo, values: Tensor, measurements: [Measurement] = []) {
      self.imageIndex = imageIndex
      self.target = target
      self.values = values
      self.measurements = measurements
    }
  }
  /// True when the values carry a sign (IG, occlusion, the rule gradients; saliency's are |·|).
  public var signed: Bool
  /// The method's own reduction to one [H, W] map (saliency: max |·|, IG: Σ).
  public var reduction: ChannelReduction
  /// True when the values are an input gradient that reads as a picture, the figures of
  /// Springenberg et al. 2014 and Selvaraju et al. 2017 (guided backprop, deconvnet, guided
  /// Grad-CAM): what they are, not how to show them.
  public var gradientImage: Bool
  public var items: [Item]
  public init(signed: Bool, reduction: ChannelReduction, gradientImage: Bool = false, items: [Item]) {
    self.signed = signed
    self.reduction = reduction
    self.gradientImage = gradientImage
    self.items = items
  }
}

/// Small pictures in a grid: each cell [C, h, w] (C = 1 grey or 3 RGB), values already in [0, 1].
public struct ImageGrid: Sendable {
  public struct Cell: Sendable {
    public var image: Tensor
    public var caption: String
    public init(image: Tensor, caption: String) {
      self.image = image
      self.caption = caption
    }
  }
  public var columns: Int
  public var cells: [Cell]
  /// Numbers that go with the pictures: the score curve of class visualization, the score drops
  /// of channel masking (nil for plain grids).
  public var curve: Curve?
  public var table: Table?
  public init(columns: Int, cells: [Cell], curve: Curve? = nil, table: Table? = nil) {
    self.columns = columns
    self.cells = cells
    self.curve = curve
    self.table = table
  }
}

/// 2-D points, one per dataset item.
public struct Embedding: Sendable {
  /// [N, 2]
  public var points: Tensor
  public var labels: [Int?]
  public var classNames: [String]
  public init(points: Tensor, labels: [Int?], classNames: [String]) {
    self.points = points
    self.labels = labels
    self.classNames = classNames
  }
}

/// For each query, the closest dataset items with their similarity, in feature space and
/// (when asked for) in pixel space.
public struct Neighbours: Sendable {
  public struct Match: Sendable {
    public var datasetIndex: Int
    public var score: Float
    public init(datasetIndex: Int, score: Float) {
      self.datasetIndex = datasetIndex
      self.score = score
    }
  }
  /// Per query, by cosine similarity of the features at the layer.
  public var queries: [[Match]]
  /// Per query, by cosine similarity of the model's input tensors; empty when not asked for.
  public var pixelQueries: [[Match]]
  /// The dataset items the queries are, when they were taken from the dataset; nil when they are
  /// the step's images.
  public var queryIndices: [Int]?
  public init(queries: [[Match]], pixelQueries: [[Match]] = [], queryIndices: [Int]? = nil) {
    self.queries = queries
    self.pixelQueries = pixelQueries
    self.queryIndices = queryIndices
  }
}

/// Rows of text cells under a header.
public struct Table: Sendable {
  public var header: [String]
  public var rows: [[String]]
  public init(header: [String], rows: [[String]]) {
    self.header = header
    self.rows = rows
  }
}

/// Named series of (x, y) points.
public struct Curve: Sendable {
  public struct Series: Sendable {
    public var name: String
    public var x: [Float]
    public var y: [Float]
    public init(name: String, x: [Float], y: [Float]) {
      self.name = name
      self.x = x
      self.y = y
    }
  }
  public var xLabel: String
  public var yLabel: String
  public var series: [Series]
  public init(xLabel: String, yLabel: String, series: [Series]) {
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.series = series
  }
}

/// How well another method's maps hold up: per (image, class), named numbers, the curves they
/// summarise (deletion / insertion) and the maps they compare (one per sanity-check step).
public struct Evaluation: Sendable {
  /// A map shown in a row of maps, with what it is and the numbers under it.
  public struct Panel: Sendable {
    public var label: String
    /// [h, w], unnormalised (the method's own resolution).
    public var map: Tensor
    public var measurements: [Measurement]
    public init(label: String, map: Tensor, measurements: [Measurement]) {
      self.label = label
      self.map = map
      self.measurements = measurements
    }
  }
  public struct Item: Sendable {
    public var imageIndex: Int
    public var target: ClassInfo
    public var measurements: [Measurement]
    public var curve: Curve?
    public var panels: [Panel]
    public init(imageIndex: Int, target: ClassInfo, measurements: [Measurement], curve: Curve? = nil, panels: [Panel] = []) {
      self.imageIndex = imageIndex
      self.target = target
      self.measurements = measurements
      self.curve = curve
      self.panels = panels
    }
  }
  /// The method whose maps are judged ("grad-cam").
  public var method: String
  /// True when the panels keep their sign.
  public var signed: Bool
  /// How the panels were reduced from pixel attributions [3, H, W]; nil for CAM maps [h, w].
  public var reduction: ChannelReduction?
  public var items: [Item]
  /// Numbers over all items (Average Drop is a mean over images).
  public var summary: [Measurement]
  public init(method: String, signed: Bool, reduction: ChannelReduction? = nil, items: [Item], summary: [Measurement] = []) {
    self.method = method
    self.signed = signed
    self.reduction = reduction
    self.items = items
    self.summary = summary
  }
}
