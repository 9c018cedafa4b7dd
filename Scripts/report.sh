#!/usr/bin/env bash
# Builds ConvLens and renders the default report, Reports/cnn-visualization-review.md, to
# Reports/out/ (PDF + self-contained HTML + run manifest), installing what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/install-deps.sh
swift build -c release --product convlens
if .build/release/convlens render --help >/dev/null 2>&1; then
  .build/release/convlens render Reports/cnn-visualization-review.md "$@"
else
  .build/release/convlens predict Reports/images/*.png Reports/images/*.jpg
fi
