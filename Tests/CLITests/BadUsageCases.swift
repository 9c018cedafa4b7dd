// Command-line rows of the bad-input table: usage errors exit 2 before anything is read; names that
// do not exist and outputs that cannot be written exit 1.
import Foundation

enum BadUsageCases {
  static let chelsea = CLI.root.appendingPathComponent("Reports/images/chelsea.png").path

  static let all: [BadInputCase] = [
    BadInputCase("unknown flag is a usage error", status: 2, mentions: ["no-such-flag"]) { _ in
      ["predict", "--no-such-flag", chelsea]
    },
    BadInputCase("unknown subcommand is a usage error", status: 2, mentions: ["frobnicate"]) { _ in ["frobnicate"] },
    BadInputCase("option without its value is a usage error", status: 2, mentions: ["--top"]) { _ in ["predict", chelsea, "--top"] },
    BadInputCase("option value of the wrong form is a usage error", status: 2, mentions: ["many"]) { _ in
      ["predict", "--top", "many", chelsea]
    },
    BadInputCase("explain with an unknown sign is a usage error", status: 2, mentions: ["--sign", "unknown sign 'both'"]) { _ in
      ["explain", "saliency", "--image", chelsea, "--sign", "both"]
    },
    BadInputCase("option value out of range is a usage error", status: 2, mentions: ["--alpha"]) { _ in
      ["explain", "grad-cam", "--image", chelsea, "--alpha", "3"]
    },
    BadInputCase("-P without = is a usage error", status: 2, mentions: ["-P", "key=value"]) { _ in
      Scratch.renderArguments(["-P", "model"])
    },
    BadInputCase("unknown preset suggests the presets", mentions: ["imagenett", "imagenet"]) { _ in
      ["predict", "--preset", "imagenett", chelsea]
    },
    BadInputCase("unknown method suggests the method", mentions: ["grad-cma", "grad-cam"]) { _ in
      ["explain", "grad-cma", "--image", chelsea]
    },
    BadInputCase("--out naming a file is refused and the report stays", mentions: ["blocker"], rendersFirst: true) { scratch in
      try scratch.write("blocker", "not a folder")
      return ["render", "--out", "blocker", "-q", "report.md"]
    },
    BadInputCase("--out below a file cannot be created", mentions: ["blocker/out"], rendersFirst: true) { scratch in
      try scratch.write("blocker", "not a folder")
      return ["render", "--out", "blocker/out", "-q", "report.md"]
    },
  ]
}
