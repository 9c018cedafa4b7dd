import Foundation

/// Similarity of two maps of the same size, for the sanity check (Adebayo et al., NeurIPS 2018, §4:
/// "we measure the similarity with Spearman rank correlation … and the structural similarity index").
public enum MapComparison {
  /// Ranks 1…n of `values`, ties sharing their average rank (scipy.stats.rankdata's "average").
  public static func ranks(_ values: [Float]) -> [Double] {
    let order = values.indices.sorted { values[$0] != values[$1] ? values[$0] < values[$1] : $0 < $1 }
    var ranks = [Double](repeating: 0, count: values.count)
    var start = 0
    while start < order.count {
      var end = start
      while end + 1 < order.count && values[order[end + 1]] == values[order[start]] { end += 1 }
      let average = Double(start + end) / 2 + 1  // ranks start..end (0-based) share their mean
      for position in start...end { ranks[order[position]] = average }
      start = end + 1
    }
    return ranks
  }

  /// Pearson correlation; 0 when either side is constant (no ranking to agree with).
  public static func pearson(_ a: [Double], _ b: [Double]) -> Double {
    let n = Double(a.count)
    guard a.count == b.count, a.count > 1 else { return 0 }
    let meanA = a.reduce(0, +) / n, meanB = b.reduce(0, +) / n
    var covariance = 0.0, varianceA = 0.0, varianceB = 0.0
    for i in a.indices {
      let da = a[i] - meanA, db = b[i] - meanB
      covariance += da * db
      varianceA += da * da
      varianceB += db * db
    }
    guard varianceA > 0, varianceB > 0 else { return 0 }
    return covariance / (varianceA * varianceB).squareRoot()
  }

  /// Spearman's ρ: the Pearson correlation of the ranks (ties averaged), as scipy.stats.spearmanr.
  public static func spearman(_ a: [Float], _ b: [Float]) -> Double {
    pearson(ranks(a), ranks(b))
  }

  /// Mean SSIM (Wang et al. 2004) of two [height, width] maps, each min-max scaled to [0, 1] first
  /// (data range 1), as skimage.metrics.structural_similarity with its defaults: a 7 × 7 uniform
  /// window (smaller and odd when a side is shorter), K1 = 0.01, K2 = 0.03, sample covariances
  /// (N − 1), averaged over the window positions that lie inside the map.
  public static func ssim(_ a: [Float], _ b: [Float], height: Int, width: Int) -> Double {
    let x = Normalization.minMax(a).map(Double.init), y = Normalization.minMax(b).map(Double.init)
    var window = min(7, height, width)
    if window % 2 == 0 { window -= 1 }
    guard window >= 1, x.count == height * width, y.count == x.count else { return 0 }
    let n = Double(window * window)
    let covarianceScale = n > 1 ? n / (n - 1) : 1
    let c1 = 0.01 * 0.01, c2 = 0.03 * 0.03
    var total = 0.0, count = 0
    for top in 0...(height - window) {
      for left in 0...(width - window) {
        var sx = 0.0, sy = 0.0, sxx = 0.0, syy = 0.0, sxy = 0.0
        for row in top..<(top + window) {
          for column in left..<(left + window) {
            let u = x[row * width + column], v = y[row * width + column]
            sx += u; sy += v; sxx += u * u; syy += v * v; sxy += u * v
          }
        }
        let mx = sx / n, my = sy / n
        let vx = (sxx / n - mx * mx) * covarianceScale, vy = (syy / n - my * my) * covarianceScale
        let cxy = (sxy / n - mx * my) * covarianceScale
        total += (2 * mx * my + c1) * (2 * cxy + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2))
        count += 1
      }
    }
    return count > 0 ? total / Double(count) : 0
  }
}
