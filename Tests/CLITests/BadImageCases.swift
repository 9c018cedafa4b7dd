// Image rows of the bad-input table, run through `predict` with the bundled model. Formats the
// decoders do read (16-bit, palette, CMYK JPEG, 1x1, a PNG named .jpg) are rows too: they must work.
import Foundation

enum BadImageCases {
  static func imaging(_ name: String) -> String { Scratch.imagingFixtures.appendingPathComponent(name).path }
  static var rocket: URL { CLI.root.appendingPathComponent("Reports/images/rocket.jpg") }

  /// A row that writes `bytes` as `file` and predicts on it.
  static func row(_ name: String, _ file: String, status: Int32 = 1, mentions: [String],
                  _ bytes: @escaping @Sendable () throws -> Data) -> BadInputCase {
    BadInputCase(name, status: status, mentions: status == 0 ? mentions : [file] + mentions) { scratch in
      ["predict", "--top", "1", try scratch.write(file, try bytes())]
    }
  }

  /// A fixture that must decode and predict.
  static func works(_ name: String, _ path: String) -> BadInputCase {
    BadInputCase(name, status: 0, mentions: ["p="]) { _ in ["predict", "--top", "1", path] }
  }

  static let all: [BadInputCase] = [
    row("PNG truncated after the header", "cut.png", mentions: ["PNG"]) {
      try Data(contentsOf: URL(fileURLWithPath: CLI.fixture("small.png"))).prefix(60)
    },
    row("JPEG truncated in the entropy data", "cut.jpg", mentions: ["JPEG"]) {
      try Data(contentsOf: rocket).prefix(700)
    },
    row("PNG cut inside its signature", "stub.png", mentions: ["PNG"]) { Data([0x89, 0x50, 0x4E, 0x47, 0x0D]) },
    row("empty image file", "empty.png", mentions: ["empty"]) { Data() },
    row("text file named .png", "notes.png", mentions: ["not a PNG or JPEG"]) { Data("just some notes\n".utf8) },
    row("GIF named .jpg names the format found", "anim.jpg", mentions: ["GIF"]) { Data("GIF89a".utf8) + Data(repeating: 0, count: 32) },
    row("PNG declaring 60000x60000 is refused before decoding", "huge.png", mentions: ["60000"]) {
      BadImages.pngDeclaring(width: 60_000, height: 60_000, from: try Data(contentsOf: URL(fileURLWithPath: CLI.fixture("small.png"))))
    },
    row("JPEG declaring 60000x60000 is refused before decoding", "huge.jpg", mentions: ["60000"]) {
      guard let data = BadImages.jpegDeclaring(width: 60_000, height: 60_000, from: try Data(contentsOf: rocket)) else {
        throw CLITestError("rocket.jpg has no start-of-frame segment")
      }
      return data
    },
    BadInputCase("PNG declaring 40000x40000 (committed fixture)", mentions: ["huge-declared.png", "40000"]) { _ in
      ["predict", CLI.fixture("huge-declared.png")]
    },
    BadInputCase("image file missing", mentions: ["no-such-image.png", "not found"]) { _ in ["predict", "no-such-image.png"] },
    BadInputCase("folder without any image", mentions: ["nothing-here"]) { scratch in
      try scratch.write("nothing-here/readme.txt", "no pictures")
      return ["predict", scratch.url("nothing-here").path]
    },
    row("PNG with a corrupt chunk CRC", "crc.png", mentions: ["PNG"]) {
      var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: CLI.fixture("small.png"))))
      bytes[bytes.count - 20] ^= 0xFF  // inside IDAT
      return Data(bytes)
    },
    row("1x1 PNG works", "one.png", status: 0, mentions: ["p="]) {
      BadImages.png(width: 1, height: 1, rows: [[200, 30, 40]])
    },
    row("PNG content named .jpg works", "really-png.jpg", status: 0, mentions: ["p="]) {
      try Data(contentsOf: URL(fileURLWithPath: CLI.fixture("small.png")))
    },
    works("16-bit RGB PNG works", imaging("rgb16.png")),
    works("palette PNG with transparency works", imaging("palette.png")),
    works("CMYK JPEG works", imaging("cmyk.jpg")),
    works("1x1 JPEG works", imaging("tiny1x1.jpg")),
  ]
}
