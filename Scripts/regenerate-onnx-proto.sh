#!/usr/bin/env bash
# Regenerates Sources/ONNXFormat/onnx.pb.swift from the vendored onnx.proto (proto2, not onnx-ml).
# Run once after changing the .proto; the generated file is committed (no SwiftPM build plugin).
#
# Needs:
#   protoc            Debian package `protobuf-compiler` (3.21 here).
#   protoc-gen-swift  built from a checkout of apple/swift-protobuf at tag 1.39.0 (the version
#                     Package.swift pins), with `swift build -c release --product protoc-gen-swift`;
#                     point PROTOC_GEN_SWIFT at the result (default: /work/tools/swift-protobuf/.build/release/protoc-gen-swift).
# Visibility=Internal keeps the generated Onnx_* types out of the module's public API.
set -euo pipefail
cd "$(dirname "$0")/../Sources/ONNXFormat"
PLUGIN="${PROTOC_GEN_SWIFT:-/work/tools/swift-protobuf/.build/release/protoc-gen-swift}"
protoc --plugin=protoc-gen-swift="$PLUGIN" --swift_opt=Visibility=Internal --swift_out=. onnx.proto
