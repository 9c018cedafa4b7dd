#!/usr/bin/env bash
# Runs a command as if this CPU had no AVX-512 (nor AMX): every library in it, oneDNN, onnxruntime,
# PyTorch, sees what an AVX2 machine reports (Scripts/bench/hide_avx512.c, CPUID faulting). Unlike
# ONEDNN_MAX_CPU_ISA it also reaches onnxruntime, so benchmark ratios compare like with like.
#
#   Scripts/as_avx2_cpu.sh python3 Scripts/bench_reference.py Models/efficientnet-lite0.onnx --convlens .build/release/ConvLensBenchmark
#   Scripts/as_avx2_cpu.sh swift test -c release -Xswiftc -enable-testing --skip-build
#
# Needs a CPU (or hypervisor) with CPUID faulting (`grep -w cpuid_fault /proc/cpuinfo`); exits 3 otherwise.
# Cache sizes, core counts and everything else of this CPU stay as they are.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
library="$here/../.build/hide_avx512.so"
if [ ! -f "$library" ] || [ "$here/bench/hide_avx512.c" -nt "$library" ]; then
  mkdir -p "$(dirname "$library")"
  cc -O2 -shared -fPIC -o "$library" "$here/bench/hide_avx512.c" -ldl
fi
# SWIFT_BACKTRACE off: the Swift runtime's crash handler would sit in front of the CPUID handler.
exec env LD_PRELOAD="$library${LD_PRELOAD:+:$LD_PRELOAD}" SWIFT_BACKTRACE=enable=no \
  GLIBC_TUNABLES="glibc.cpu.hwcaps=-AVX512F,-AVX512VL,-AVX512BW,-AVX512DQ,-AVX512CD${GLIBC_TUNABLES:+:$GLIBC_TUNABLES}" "$@"
