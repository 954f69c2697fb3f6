#!/usr/bin/env bash
# Configures (once) and builds the libFuzzer target emlc-fuzz into build-fuzz/ (clang-19, EMLC_FUZZ=ON: the
# libraries with coverage, ASan and UBSan). Needs clang-19's fuzzer runtime (Debian: libclang-rt-19-dev,
# installed by scripts/install-deps.sh). Run it with scripts/fuzz.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache hashes paths relative to the checkout: clones in other folders (CI's) share the cache.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
if [ ! -f build-fuzz/build.ninja ]; then
  CC=clang-19 CXX=clang++-19 cmake -G Ninja -B build-fuzz -DCMAKE_BUILD_TYPE=Release -DEMLC_FUZZ=ON \
    -DEMLC_WERROR=OFF
fi
ninja -C build-fuzz -j"${EMLC_JOBS:-2}" emlc-fuzz
