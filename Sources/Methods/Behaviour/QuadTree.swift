/// A point quadtree over 2-D positions for the Barnes-Hut approximation of t-SNE's repulsive
/// forces (van der Maaten 2014, §4.2). Nodes live in flat arrays; each keeps its square cell
/// (centre, half-width), the number of points below it and their centre of mass. A leaf holds
/// one position (possibly several identical points).
struct QuadTree {
  private var centreX: [Double] = [], centreY: [Double] = [], half: [Double] = []
  private var massX: [Double] = [], massY: [Double] = []
  private var count: [Int] = []
  /// Index of the first of four children (quadrants in order: x low/y low, x high/y low,
  /// x low/y high, x high/y high), or −1 for a leaf.
  private var firstChild: [Int] = []
  /// The point a non-empty leaf holds, else −1.
  private var point: [Int] = []

  /// `positions`: [n, 2] interleaved x, y.
  init(_ positions: [Double]) {
    let n = positions.count / 2
    var minX = Double.infinity, maxX = -Double.infinity, minY = Double.infinity, maxY = -Double.infinity
    for i in 0..<n {
      minX = min(minX, positions[2 * i]); maxX = max(maxX, positions[2 * i])
      minY = min(minY, positions[2 * i + 1]); maxY = max(maxY, positions[2 * i + 1])
    }
    let width = max(maxX - minX, maxY - minY, 1e-12) * 0.5 * (1 + 1e-6) + 1e-12
    addNode(x: (minX + maxX) / 2, y: (minY + maxY) / 2, half: width)
    for i in 0..<n { insert(i, positions) }
  }

  private mutating func addNode(x: Double, y: Double, half size: Double) {
    centreX.append(x); centreY.append(y); half.append(size)
    massX.append(0); massY.append(0); count.append(0)
    firstChild.append(-1); point.append(-1)
  }

  private func quadrant(_ node: Int, _ x: Double, _ y: Double) -> Int {
    (x > centreX[node] ? 1 : 0) + (y > centreY[node] ? 2 : 0)
  }

  private mutating func insert(_ i: Int, _ positions: [Double]) {
    let (x, y) = (positions[2 * i], positions[2 * i + 1])
    var node = 0
    while true {
      let before = count[node]
      massX[node] = (massX[node] * Double(before) + x) / Double(before + 1)
      massY[node] = (massY[node] * Double(before) + y) / Double(before + 1)
      count[node] = before + 1
      if firstChild[node] < 0 {
        if before == 0 { point[node] = i; return }
        let held = point[node]
        let (heldX, heldY) = (positions[2 * held], positions[2 * held + 1])
        if (heldX == x && heldY == y) || half[node] < 1e-12 { return }  // duplicates stay in one leaf
        firstChild[node] = centreX.count
        let quarter = half[node] / 2
        for q in 0..<4 {
          addNode(x: centreX[node] + (q & 1 == 1 ? quarter : -quarter), y: centreY[node] + (q & 2 == 2 ? quarter : -quarter), half: quarter)
        }
        let moved = firstChild[node] + quadrant(node, heldX, heldY)
        point[moved] = held
        count[moved] = before
        massX[moved] = heldX
        massY[moved] = heldY
        point[node] = -1
      }
      node = firstChild[node] + quadrant(node, x, y)
    }
  }

  /// The unnormalised repulsion on point i at (x, y): F = Σ_j q_ij² Z (y_i − y_j) with
  /// q_ij Z = 1 / (1 + |y_i − y_j|²), and its share of Z = Σ_j q_ij Z, summarising a cell by its
  /// centre of mass when (cell width) / distance < θ. Self-interaction is left out.
  func repulsion(of i: Int, x: Double, y: Double, theta: Double, stack: inout [Int]) -> (fx: Double, fy: Double, z: Double) {
    var fx = 0.0, fy = 0.0, z = 0.0
    stack.removeAll(keepingCapacity: true)
    stack.append(0)
    while let node = stack.popLast() {
      var size = count[node]
      if size == 0 { continue }
      let leaf = firstChild[node] < 0
      if leaf && point[node] == i { size -= 1 }  // the point itself (duplicates of it still count, at distance 0)
      if size == 0 { continue }
      let dx = x - massX[node], dy = y - massY[node]
      let distance2 = dx * dx + dy * dy
      if leaf || 2 * half[node] < theta * distance2.squareRoot() {
        let q = 1 / (1 + distance2)
        let n = Double(size)
        z += n * q
        fx += n * q * q * dx
        fy += n * q * q * dy
      } else {
        let first = firstChild[node]
        stack.append(first); stack.append(first + 1); stack.append(first + 2); stack.append(first + 3)
      }
    }
    return (fx, fy, z)
  }
}
