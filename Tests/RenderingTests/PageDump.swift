// Parses PagedRenderer.pagePlanDump output back into values so layout tests can check rules.
import Foundation

struct DumpItem {
  let page: Int
  let kind: String
  let y: Double
  let height: Double
  let text: String
  /// For toc-entry lines: the page number the entry points at.
  let target: Int?
  var bottom: Double { y + height }
}

enum PageDump {
  static func parse(_ dump: String) -> [DumpItem] {
    var items: [DumpItem] = []
    var page = 0
    for line in dump.split(separator: "\n") {
      if line.hasPrefix("page ") {
        page = Int(line.dropFirst(5).prefix { $0.isNumber }) ?? -1
        continue
      }
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      guard let quote = trimmed.firstIndex(of: "\"") else { continue }
      let fields = trimmed[..<quote].split(separator: " ")
      var values: [String: String] = [:]
      for field in fields.dropFirst() {
        let parts = field.split(separator: "=", maxSplits: 1)
        if parts.count == 2 { values[String(parts[0])] = String(parts[1]) }
      }
      let text = String(trimmed[trimmed.index(after: quote)...].dropLast())
      items.append(DumpItem(page: page, kind: String(fields.first ?? ""), y: Double(values["y"] ?? "") ?? .nan,
                            height: Double(values["h"] ?? "") ?? .nan, text: text, target: values["page"].flatMap { Int($0) }))
    }
    return items
  }
}
