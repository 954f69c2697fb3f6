#!/usr/bin/env bash
# Configures (once) and builds emlc into build/ (tools in build/bin).
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache hashes paths relative to the checkout: clones in other folders (CI's) share the cache.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
if [ ! -f build/build.ninja ]; then
  cmake -G Ninja -B build -DCMAKE_BUILD_TYPE=Release
fi
ninja -C build -j"${EMLC_JOBS:-2}"
