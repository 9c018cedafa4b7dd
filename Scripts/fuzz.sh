#!/usr/bin/env bash
# Builds the libFuzzer targets (Fuzz/Package.swift: their own package, so the main package builds
# without the sanitizer) and runs each for SECONDS on a temporary copy of its committed seed corpus
# (Fuzz/Corpus/<target>/), so new inputs never dirty the repository. Fails when any target crashes,
# hangs (-timeout) or runs out of memory (-rss_limit_mb); the failing input is kept in
# .build-fuzz/artifacts/ and reproduces with `.build-fuzz/release/<target> <file>`.
#
#   Scripts/fuzz.sh 60                    # 60 s per target (CI)
#   Scripts/fuzz.sh 0 -runs=1000000       # extra libFuzzer flags pass through; 0 s = no time limit
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:?usage: Scripts/fuzz.sh SECONDS [libFuzzer flags...]}"
shift
targets=(FuzzONNX FuzzImage FuzzNotebook)
scratch=.build-fuzz

# Release + ASan: libFuzzer's coverage with memory-error detection on the Swift unsafe-pointer code
# and the C parsers built from source (libyaml in Yams). Release keeps Swift's overflow and bounds
# traps. Dead stripping is off: the linker would otherwise drop the coverage counter sections.
# The sanitizers are also given as one -Xswiftc flag: SwiftPM writes its --sanitize flags in a set's
# order, which changes from run to run, and swiftc keeps only the last separate -sanitize= flag, so
# `-sanitize=fuzzer -sanitize=address` compiled the Swift code without coverage on some runs (libFuzzer
# then mutates blindly: "no interesting inputs were found"). The check below fails such a build.
swift build --package-path Fuzz --scratch-path "$scratch" -c release \
  --sanitize=fuzzer --sanitize=address --disable-dead-strip -Xswiftc -sanitize=fuzzer,address
for target in "${targets[@]}"; do
  # The section list is read whole before matching: `objdump | grep -q` under pipefail fails
  # whenever grep's early exit hits objdump with SIGPIPE.
  sections="$(objdump -h "$scratch/release/$target.build/$target.swift.o")"
  if [[ "$sections" != *__sancov_cntrs* ]]; then
    echo "fuzzing: $target was built without coverage instrumentation" >&2
    exit 1
  fi
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$scratch/artifacts"
failed=()
for target in "${targets[@]}"; do
  mkdir -p "$work/$target/corpus" "$work/$target/tmp"
  cp Fuzz/Corpus/"$target"/* "$work/$target/corpus/"
  echo "== $target: ${seconds} s"
  # TMPDIR: FuzzONNX's model folder (external data) lives there and goes with $work.
  # SWIFT_BACKTRACE off: Swift's crash handler would race ASan's report.
  # Leak detection off: the Swift runtime's caches look like leaks at exit; crashes are what count.
  if ! TMPDIR="$work/$target/tmp" SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 \
      "$scratch/release/$target" "$work/$target/corpus" \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 -detect_leaks=0 \
      -print_final_stats=1 -artifact_prefix="$scratch/artifacts/$target-" "$@" 2>"$work/$target/log"; then
    failed+=("$target")
    tail -n 60 "$work/$target/log"
  else
    grep -E "^(Done|stat::peak_rss_mb)" "$work/$target/log" || true
  fi
done
if ((${#failed[@]})); then
  echo "fuzzing failed: ${failed[*]} (inputs in $scratch/artifacts/)" >&2
  exit 1
fi
echo "fuzzing: no crash in ${targets[*]}"
