import Engine
import Foundation
@testable import Methods
import Testing

@Suite("Bad input: clear one-line errors")
struct BadInputTests {
  func message(_ body: () throws -> Void) -> String {
    do {
      try body()
      return ""
    } catch {
      return String(describing: error)
    }
  }

  @Test("unknown method suggests the closest names")
  func unknownMethod() {
    let text = message { _ = try MethodRegistry.named("gradcam") }
    #expect(text.contains("unknown method 'gradcam'") && text.contains("'grad-cam'"))
  }

  @Test("unknown setting suggests the closest setting name")
  func unknownSetting() {
    let text = message { _ = try MethodRegistry.make("smoothgrad", settings: ["stepz": .int(3)]) }
    #expect(text == "unknown setting 'stepz' for smoothgrad; did you mean 'steps'?")
  }

  @Test("a setting of the wrong type names the setting and what it expects")
  func wrongSettingType() {
    let text = message { _ = try MethodRegistry.make("occlusion", settings: ["window": .string("big")]) }
    #expect(text.contains("'window'") && text.contains("integer"))
  }

  @Test("a layer that is not 4-D is refused with its shape")
  func layerNot4D() throws {
    let network = try TinyNetworks.gapClassifier()
    var gradCAM = GradCAM()
    gradCAM.layer = .named("flat")
    let text = message { _ = try gradCAM.run(MethodContext(network: network, images: TinyNetworks.image(size: 4))) }
    #expect(text.contains("'flat'") && text.contains("not feature maps [N, C, h, w]"))
  }

  @Test("an unknown layer gets the closest tensor names")
  func unknownLayer() throws {
    let network = try TinyNetworks.gapClassifier()
    var gradCAM = GradCAM()
    gradCAM.layer = .named("featurs")
    let text = message { _ = try gradCAM.run(MethodContext(network: network, images: TinyNetworks.image(size: 4))) }
    #expect(text.contains("no tensor named 'featurs'") && text.contains("features"))
  }

  @Test("CAM on a network without GAP + FC explains why")
  func camWithoutGlobalPool() throws {
    let network = try TinyNetworks.flattenClassifier()
    let text = message { _ = try CAM().run(MethodContext(network: network, images: TinyNetworks.image(size: 4))) }
    #expect(text.contains("cam does not apply") && text.contains("global average pool") && text.contains("grad-cam"))
  }

  @Test("class index out of range names the valid range")
  func classOutOfRange() throws {
    let network = try TinyNetworks.gapClassifier()
    let context = MethodContext(network: network, images: TinyNetworks.image(size: 4), targets: [.index(5)])
    let text = message { _ = try Saliency().run(context) }
    #expect(text.contains("class index 5 is out of range") && text.contains("0..<2"))
  }

  @Test("an unknown label suggests the closest class names")
  func unknownLabel() throws {
    let network = try TinyNetworks.gapClassifier()
    let context = MethodContext(network: network, images: TinyNetworks.image(size: 4), classNames: ["tabby", "espresso"],
                                targets: [.label("tabbby")])
    let text = message { _ = try GradCAM().run(context) }
    #expect(text.contains("no class named 'tabbby'") && text.contains("'tabby'"))
  }

  @Test("settings values parse as YAML-ish scalars; targets decode from ints and strings")
  func scalarParsing() throws {
    #expect(SettingValue.parse("16") == .int(16))
    #expect(SettingValue.parse("0.15") == .double(0.15))
    #expect(SettingValue.parse("false") == .bool(false))
    #expect(SettingValue.parse("nearest") == .string("nearest"))
    let targets = try JSONDecoder().decode([ClassTarget].self, from: Data(#"[3, "top1", "tabby", "12"]"#.utf8))
    #expect(targets == [.index(3), .top1, .label("tabby"), .index(12)])
  }

  @Test("every method decodes from no settings, and its help lists each setting it reads")
  func registryIsConsistent() throws {
    #expect(Set(MethodRegistry.names).count == MethodRegistry.all.count)
    for type in MethodRegistry.all {
      _ = try type.make(settings: [:])
      #expect(!type.summary.isEmpty)
      let unknown = message { _ = try type.make(settings: ["zzz-not-a-setting": .int(1)]) }
      #expect(unknown.hasPrefix("unknown setting 'zzz-not-a-setting' for \(type.name)"))
    }
  }
}
