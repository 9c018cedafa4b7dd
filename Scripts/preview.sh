#!/usr/bin/env bash
# Renders a notebook for looking at by eye: the PDF, the HTML, every figure as PNG and SVG, and each PDF
# page as a PNG (pdftoppm, poppler-utils) in one folder.
#   Scripts/preview.sh [NOTEBOOK] [OUTDIR] [-- extra `convlens render` options]
# Defaults: Reports/cnn-visualization-review.md into /tmp/convlens-preview. (This replaces the
# CONVLENS_PREVIEW_DIR switch the rendering tests used to have.)
set -euo pipefail
cd "$(dirname "$0")/.."
notebook="${1:-Reports/cnn-visualization-review.md}"
out="${2:-/tmp/convlens-preview}"
shift $(( $# > 2 ? 2 : $# ))
[ "${1:-}" = "--" ] && shift
swift build -c release --product convlens
mkdir -p "$out"
.build/release/convlens render "$notebook" --out "$out" --figures "$@"
name="$(basename "${notebook%.*}")"
if command -v pdftoppm >/dev/null; then
  pdftoppm -r "${PREVIEW_DPI:-60}" -png "$out/$name.pdf" "$out/$name-page"
else
  echo "preview: pdftoppm not found (apt-get install poppler-utils): no page PNGs" >&2
fi
ls -1 "$out"
