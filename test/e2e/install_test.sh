#!/usr/bin/env bash
# Issue 18's first-hour path, from an installed emlc only: `cmake --install` into a temporary prefix, then with
# that prefix's bin as the only emlc on PATH and the examples copied outside the source tree: compile, inspect
# and verify a model; build and run examples/cmake-integration; build examples/firmware with the installed
# toolchain files for Cortex-M4 and RV32 and run it under QEMU, checking the class against the reference output.
# Usage: install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
export PATH="$work/prefix/bin:/usr/bin:/bin"
[ "$(command -v emlc)" = "$work/prefix/bin/emlc" ] || { echo "emlc on PATH is not the installed one"; exit 1; }
cp -r "$src/examples/mnist" "$src/examples/cmake-integration" "$src/examples/firmware" "$work/"

echo "== emlc from the prefix"
emlc --version | head -1
emlc compile "$work/mnist/model.onnx" -o "$work/out" --target cortex-m4 | head -1
emlc inspect "$work/mnist/model.onnx" --device nucleo-l4r5zi | grep -E "^(MACs|  RAM)"
emlc verify "$work/mnist/model.onnx" --target cortex-m4 | grep -E "instructions per inference|verify: ok"
emlc verify "$work/mnist/model.onnx" --target cortex-m4 | grep -q "verify: ok"
man -l "$work/prefix/share/man/man1/emlc.1" 2>/dev/null | grep -q "emlc verify" || grep -q "emlc verify" "$work/prefix/share/man/man1/emlc.1"
echo "man page and completion installed: $(ls "$work/prefix/share/bash-completion/completions")"

echo "== examples/cmake-integration (host)"
cmake -S "$work/cmake-integration" -B "$work/b-host" -G Ninja >/dev/null
cmake --build "$work/b-host" >/dev/null
"$work/b-host/classify"

echo "== emlc_add_model() refuses an unknown keyword, and its options reach emlc"
mkdir -p "$work/kw"
for call in "RAM_LIMT 1K" "RAM_LIMIT 1K"; do
  cat > "$work/kw/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.20)
project(kw C)
find_package(emlc REQUIRED)
emlc_add_model(m MODEL $work/mnist/model.onnx $call)
add_executable(app $work/cmake-integration/main.c)
target_link_libraries(app PRIVATE m)
CMAKE
  rm -rf "$work/b-kw"
  if cmake -S "$work/kw" -B "$work/b-kw" -G Ninja >"$work/kw.log" 2>&1 && cmake --build "$work/b-kw" >>"$work/kw.log" 2>&1; then
    echo "emlc_add_model(... $call) built"; exit 1
  fi
  grep -E -o "unknown argument\(s\) RAM_LIMT|needs [0-9]+ bytes of RAM \\(arena\\)" "$work/kw.log" | head -1
done

# The reference class of the bundled input: argmax of the TFLite reference output, independent of emlc.
want=$(/usr/bin/python3 -c "
import onnx, onnx.numpy_helper as nh
print(nh.to_array(onnx.load_tensor('$src/../shared/models/mlperftiny-kws-dscnn-int8-qdq/test_data_set_0/output_0.pb')).argmax())")
for t in cortex-m4 rv32imac; do
  echo "== examples/firmware on $t (QEMU)"
  cmake -S "$work/firmware" -B "$work/b-$t" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$work/prefix/lib/cmake/emlc/toolchains/$t.cmake" >/dev/null
  cmake --build "$work/b-$t" >/dev/null
  out=$(timeout 120 cmake --build "$work/b-$t" --target run 2>&1 | grep "^class")
  echo "$out"
  [[ "$out" == "class $want "* ]] || { echo "expected class $want"; exit 1; }
done
echo "install: ok"
