#!/usr/bin/env bash
# Runs the whole test suite: one release build with testing enabled (model-sized tests need
# optimised numeric code; debug builds are 10-50x slower there). Tests that compare against
# ../shared/ reference data run only when that folder is present.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/install-deps.sh
swift build -c release -Xswiftc -enable-testing --build-tests
swift test -c release -Xswiftc -enable-testing --skip-build "$@"
