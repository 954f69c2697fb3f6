#!/usr/bin/env bash
# Configures (once) and builds emlc into build/ (tools in build/bin).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f build/build.ninja ]; then
  cmake -G Ninja -B build -DCMAKE_BUILD_TYPE=Release
fi
ninja -C build -j"${EMLC_JOBS:-2}"
