// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for ConvLens's parsers. A package of its own so the main package builds and tests
// without the sanitizer: these executables have no `main` and only link with `--sanitize=fuzzer`,
// whose runtime provides it. Build and run with Scripts/fuzz.sh.
let package = Package(
  name: "ConvLensFuzz",
  platforms: [.macOS(.v14)],
  dependencies: [
    // Named explicitly: a path dependency's identity is otherwise its folder name, which differs by clone.
    .package(name: "ConvLens", path: ".."),
  ],
  targets: [
    // Bytes -> ONNX protobuf -> plain graph -> engine Network (no forward run).
    .executableTarget(name: "FuzzONNX", dependencies: [
      .product(name: "ONNXFormat", package: "ConvLens"), .product(name: "ONNXImport", package: "ConvLens"),
    ]),
    // Bytes -> PNG / JPEG decoders (sniffed by content) and the .npy reader.
    .executableTarget(name: "FuzzImage", dependencies: [.product(name: "Imaging", package: "ConvLens")]),
    // Bytes -> .md and .yaml notebook front-ends (parsing and step checks only; nothing runs).
    .executableTarget(name: "FuzzNotebook", dependencies: [.product(name: "Notebooks", package: "ConvLens")]),
  ]
)
