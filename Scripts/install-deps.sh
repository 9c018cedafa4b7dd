#!/usr/bin/env bash
# Installs the Debian packages ConvLens builds and runs with, when any is missing.
# Used by Scripts/report.sh and Scripts/test.sh (and so by CI).
set -euo pipefail
packages=(
  pkg-config
  libdnnl-dev                  # oneDNN: convolution, pooling, GEMM
  libcairo2-dev libpango1.0-dev fonts-noto-cjk   # PDF/PNG/SVG and text, Korean included
  libcmark-gfm-dev libcmark-gfm-extensions-dev   # Markdown with tables
  libturbojpeg0-dev            # JPEG input
  libkissfft-dev               # FFT for the lucid class-visualization preset
  zlib1g-dev                   # gzip'd IDX datasets
  dataset-fashion-mnist        # the default report's dataset
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}" >&2
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi
