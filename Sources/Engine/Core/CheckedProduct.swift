extension Sequence where Element == Int {
  /// The product of the elements (a shape's element count), or nil when it overflows Int: shapes read
  /// from a file can hold any 64-bit value, and a trap there would crash on a malformed model.
  var checkedProduct: Int? {
    var product = 1
    for value in self {
      let (next, overflow) = product.multipliedReportingOverflow(by: value)
      if overflow { return nil }
      product = next
    }
    return product
  }
}
