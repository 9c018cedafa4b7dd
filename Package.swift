// swift-tools-version:6.0
import PackageDescription

// Module graph: see ARCHITECTURE.md. Each C library sits behind its own system-library target.
let package = Package(
  name: "ConvLens",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "convlens", targets: ["convlens"]),
    // The parsers as libraries for the libFuzzer targets in Fuzz/Package.swift (a separate package, so
    // this one builds without -sanitize=fuzzer; an executable without main would not link here).
    .library(name: "ONNXFormat", targets: ["ONNXFormat"]),
    .library(name: "ONNXImport", targets: ["ONNXImport"]),
    .library(name: "Imaging", targets: ["Imaging"]),
    .library(name: "Notebooks", targets: ["Notebooks"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
  ],
  targets: [
    // C libraries
    .systemLibrary(name: "CDNNL", path: "Sources/CDNNL", providers: [.apt(["libdnnl-dev"])]),
    .systemLibrary(name: "CCairo", path: "Sources/CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
    .systemLibrary(name: "CPango", path: "Sources/CPango", pkgConfig: "pangocairo", providers: [.apt(["libpango1.0-dev"])]),
    .systemLibrary(name: "CMarkGFM", path: "Sources/CMarkGFM", providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]),
    .systemLibrary(name: "CTurboJPEG", path: "Sources/CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
    .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
    .systemLibrary(name: "CKissFFT", path: "Sources/CKissFFT", providers: [.apt(["libkissfft-dev"])]),

    // Tensors, ops (forward + backward), networks and traces on oneDNN. Knows nothing of files or ONNX.
    .target(name: "Engine", dependencies: ["CDNNL"]),
    // ONNX files: generated onnx.pb.swift, loading (external data, float16), constant folding,
    // a plain graph of nodes and constant tensors. Knows nothing of the engine.
    .target(name: "ONNXFormat", dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["onnx.proto", "PROTO-PROVENANCE.md"]),
    // ONNXFormat graph -> Engine.Network (one builder per op type).
    .target(name: "ONNXImport", dependencies: ["Engine", "ONNXFormat"]),
    // Image decoding (PNG via Cairo, JPEG via libturbojpeg), preprocessing presets, .npy files, labels.
    .target(name: "Imaging", dependencies: ["CCairo", "CTurboJPEG"]),
    // A model ready to run: ONNX file (or the bundled one) -> Network, labels, preprocessing preset,
    // and inputs (images or .npy tensors) -> batches.
    .target(name: "ModelLoading", dependencies: ["Engine", "ONNXImport", "Imaging"]),
    // Visualization methods: numbers only.
    .target(name: "Methods", dependencies: ["Engine", "CKissFFT"]),
    // Image collections for the behaviour methods: ImageFolder trees and MNIST-family IDX files.
    .target(name: "Datasets", dependencies: ["Engine", "Methods", "Imaging", "CZlib"]),
    // The document model: plain values.
    .target(name: "Document"),
    // PDF/PNG/SVG (Cairo + Pango) and HTML (Mustache) backends.
    .target(name: "Rendering", dependencies: [
      "Document", "CCairo", "CPango", "CMarkGFM",
      .product(name: "Mustache", package: "swift-mustache"), .product(name: "Crypto", package: "swift-crypto"),
    ]),
    // Notebook front-ends (.md / .yaml), step runner, cache, figures.
    .target(name: "Notebooks", dependencies: [
      "Engine", "ONNXImport", "Imaging", "ModelLoading", "Methods", "Datasets", "Document", "Rendering", "CMarkGFM",
      .product(name: "Yams", package: "Yams"), .product(name: "Crypto", package: "swift-crypto"),
    ]),
    .executableTarget(name: "convlens", dependencies: [
      "Engine", "ONNXImport", "Imaging", "ModelLoading", "Methods", "Datasets", "Notebooks", "Document", "Rendering",
      .product(name: "ArgumentParser", package: "swift-argument-parser"),
    ]),
    .executableTarget(name: "ConvLensBenchmark", dependencies: ["Engine", "ONNXImport", "Imaging", "ModelLoading", "Methods", "Datasets"]),

    .testTarget(name: "EngineTests", dependencies: ["Engine"]),
    .testTarget(name: "ONNXFormatTests", dependencies: ["ONNXFormat"]),
    .testTarget(name: "ONNXImportTests", dependencies: ["ONNXImport", "ONNXFormat", "Engine", "Imaging"], resources: [.copy("Fixtures")]),
    .testTarget(name: "ImagingTests", dependencies: ["Imaging"], resources: [.copy("Fixtures")]),
    .testTarget(name: "RenderingTests", dependencies: ["Rendering", "Document"], exclude: ["Goldens"]),
    .testTarget(name: "NotebooksTests", dependencies: ["Notebooks", "Document", "Rendering", "Methods"], exclude: ["Fixtures"]),
    .testTarget(name: "ModelLoadingTests", dependencies: ["ModelLoading", "Engine", "Imaging"]),
    // ONNXFormat's generated types build the bad models of the bad-input table.
    .testTarget(name: "CLITests", dependencies: ["convlens", "ONNXFormat", "Notebooks", "Rendering", "Document",
                                                .product(name: "SwiftProtobuf", package: "swift-protobuf")],
                exclude: ["Fixtures"]),
    .testTarget(name: "MethodsTests", dependencies: ["Methods", "Engine", "ONNXImport", "Imaging"], resources: [.copy("Fixtures")]),
    .testTarget(name: "BehaviourTests", dependencies: ["Methods", "Datasets", "Engine", "ONNXImport", "Imaging"], resources: [.copy("Fixtures")]),
  ]
)
