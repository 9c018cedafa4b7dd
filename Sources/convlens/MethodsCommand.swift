import ArgumentParser
import Foundation
import Methods

/// `convlens methods`: every visualization method with a one-line summary and its settings.
struct MethodsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "methods",
    abstract: "List the visualization methods, what each shows, and their settings (--set key=value).")

  @Flag(name: .long, help: "Print JSON: one object per method with name, summary and settings.")
  var json = false

  func run() throws {
    if json {
      struct Entry: Encodable {
        let name: String
        let summary: String
        let settings: [[String: String]]
      }
      let entries = MethodRegistry.all.map { type in
        Entry(name: type.name, summary: type.summary,
              settings: type.settingsHelp.map { ["name": $0.key, "meaning": $0.help] })
      }
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      print(String(decoding: try encoder.encode(entries), as: UTF8.self))
      return
    }
    for type in MethodRegistry.all {
      print("\(type.name)\n  \(type.summary)")
      for (name, meaning) in type.settingsHelp {
        print("    \(name.padding(toLength: 15, withPad: " ", startingAt: 0)) \(meaning)")
      }
    }
  }
}
