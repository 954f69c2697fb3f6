# Toolchain files for the cross targets, generated at configure time from targets/*/target.json (the same
# compiler and architecture flags emlc verify builds with): build/toolchains/<target>.cmake, installed to
# lib/cmake/emlc/toolchains. Use: cmake -DCMAKE_TOOLCHAIN_FILE=<prefix>/lib/cmake/emlc/toolchains/cortex-m4.cmake
# They set the compiler and the core's -mcpu/-march/-mfpu/-mabi flags only: the C library, startup code and
# linker script stay the firmware's (examples/firmware adds picolibc and semihosting for QEMU).
file(GLOB _emlc_target_jsons ${CMAKE_SOURCE_DIR}/targets/*/target.json)
set(EMLC_TOOLCHAIN_FILES "")
foreach(json_file ${_emlc_target_jsons})
  file(READ ${json_file} json)
  string(JSON name GET "${json}" name)
  string(JSON cc ERROR_VARIABLE no_cc GET "${json}" toolchain cc)
  if(no_cc OR cc STREQUAL "cc")
    continue() # host targets: the host compiler
  endif()
  string(JSON nflags LENGTH "${json}" toolchain cflags)
  set(flags "")
  math(EXPR last "${nflags} - 1")
  foreach(i RANGE ${last})
    string(JSON f GET "${json}" toolchain cflags ${i})
    if(f MATCHES "^-m") # architecture flags; not -O, --specs or -D, which are verify's choices
      list(APPEND flags ${f})
    endif()
  endforeach()
  string(REPLACE ";" " " flags "${flags}")
  string(REGEX REPLACE "-gcc$" "" prefix "${cc}")
  if(prefix MATCHES "^arm")
    set(processor arm)
  else()
    set(processor riscv)
  endif()
  set(out ${CMAKE_BINARY_DIR}/toolchains/${name}.cmake)
  file(WRITE ${out} "# Generated from targets/${name}/target.json by cmake/Toolchains.cmake: the ${name} target's compiler
# and core flags, for firmware that links emlc modules compiled with --target ${name}.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR ${processor})
set(EMLC_TARGET ${name})
set(CMAKE_C_COMPILER ${cc})
set(CMAKE_CXX_COMPILER ${prefix}-g++)
set(CMAKE_ASM_COMPILER ${cc})
set(CMAKE_C_FLAGS_INIT \"${flags}\")
set(CMAKE_CXX_FLAGS_INIT \"${flags}\")
set(CMAKE_ASM_FLAGS_INIT \"${flags}\")
set(CMAKE_EXE_LINKER_FLAGS_INIT \"${flags}\")
# No host programs can run: try_compile builds a static library instead of linking an executable.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
")
  list(APPEND EMLC_TOOLCHAIN_FILES ${out})
endforeach()
