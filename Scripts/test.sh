#!/usr/bin/env bash
# Runs the whole test suite: one release build with testing enabled (model-sized tests need
# optimised numeric code; debug builds are 10-50x slower there), then every suite at the CPU's own
# ISA, then the engine, ONNX-import, ONNX-format and methods suites (the shared-model checks among
# them) once more under a lower oneDNN ISA cap: oneDNN picks kernels and the engine its channel
# block per process, so this is what a machine without this one's ISA runs (AVX2 on an AVX-512
# machine, SSE4.1 elsewhere). Tests that compare against ../shared/ reference data run only when
# that folder is present. Arguments (e.g. --filter X) go to the first run and skip the capped one.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/install-deps.sh
swift build -c release -Xswiftc -enable-testing --build-tests
swift test -c release -Xswiftc -enable-testing --skip-build "$@"
if [ $# -eq 0 ]; then
  # oneDNN's AVX-512 kernels need AVX512F/BW/VL/DQ ("avx512_core").
  cap=SSE41
  if grep -qw avx512bw /proc/cpuinfo && grep -qw avx512vl /proc/cpuinfo && grep -qw avx512dq /proc/cpuinfo; then cap=AVX2; fi
  echo "Again under ONEDNN_MAX_CPU_ISA=$cap (engine, ONNX import and format, methods)" >&2
  ONEDNN_MAX_CPU_ISA=$cap swift test -c release -Xswiftc -enable-testing --skip-build \
    --filter 'EngineTests|ONNXImportTests|ONNXFormatTests|MethodsTests'
fi
