# Sanitizer and fuzzing builds (docs/ARCHITECTURE.md, "Fuzzing and sanitizers"). Each lives in its own build
# directory: the flags apply to every target of the tree.
#
#   EMLC_SANITIZE=address,undefined  emlc itself (every library and tool) built with these sanitizers (gcc or
#                                    clang); any report aborts (-fno-sanitize-recover=all), so a test that
#                                    runs a sanitized emlc fails on the first one.
#   EMLC_FUZZ=ON                     the libFuzzer target emlc-fuzz (tools/emlc-fuzz): clang only; the libraries
#                                    get coverage instrumentation plus ASan and UBSan. Needs clang-19's fuzzer
#                                    runtime (Debian: libclang-rt-19-dev).
set(EMLC_SANITIZE "" CACHE STRING "sanitizers to build emlc with, e.g. address,undefined (empty: none)")
option(EMLC_FUZZ "build the libFuzzer target emlc-fuzz (clang; implies address,undefined)" OFF)

if(EMLC_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "EMLC_FUZZ needs clang (libFuzzer), e.g. CC=clang-19 CXX=clang++-19 cmake -DEMLC_FUZZ=ON; "
                        "got ${CMAKE_CXX_COMPILER_ID}")
  endif()
  if(NOT EMLC_SANITIZE)
    set(EMLC_SANITIZE address,undefined)
  endif()
  # Coverage feedback for emlc's own code; the fuzzer runtime itself is linked into emlc-fuzz only.
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

if(EMLC_SANITIZE)
  # UBSan's vptr check needs RTTI, which LLVM-derived code does not have: the compilers leave it out of
  # "undefined" with -fno-rtti. Frame pointers keep the reports' stacks readable at -O3.
  add_compile_options(-fsanitize=${EMLC_SANITIZE} -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${EMLC_SANITIZE} -fno-sanitize-recover=all)
endif()
