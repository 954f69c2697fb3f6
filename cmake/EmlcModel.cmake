# emlc_add_model(<lib> MODEL <file.onnx>
#                [NAME <c_prefix>] [TARGET <emlc target> | DEVICE <device>]
#                [QUANTIZE int8] [CALIBRATION <.npy or folder>] [PRECISION int8|int4|int2|ternary|auto]
#                [OPTIMIZE speed|size] [RAM_LIMIT <bytes, K, M>] [FLASH_LIMIT <bytes, K, M>] [PRUNE <ratio|auto>]
#                [IO float|int8] [REPORT <report.json>] [SHAPES <input=dims>...] [LAYER_PRECISION <node=wNaM>...]
#                [EXTRA_ARGS <emlc compile options>...] [EMLC <path to emlc>])
#
# Compiles an ONNX model with `emlc compile` at build time into a static library <lib> whose include directory
# holds <NAME>.h (NAME defaults to <lib>). Each keyword is the emlc compile option of the same name
# (`emlc compile --help`); TARGET_CORE is the old name of TARGET. An unknown keyword is an error. The model is
# recompiled when the .onnx file, the calibration data or emlc changes.
#
# The library gets the core flags its kernels need (`emlc targets --json`: -mcpu/-mfpu for Arm, -march/-mabi for
# RISC-V, -mavx2 -mfma or -msse4.1 for x86) when the compiler builds for that architecture; with one of emlc's
# toolchain files (find_package(emlc): ${EMLC_TOOLCHAIN_DIR}/<target>.cmake) the module's target must be the
# toolchain's.
#
#   find_package(emlc REQUIRED)                # or include(/path/to/emlc/cmake/EmlcModel.cmake)
#   emlc_add_model(kws_model MODEL kws.onnx NAME kws TARGET cortex-m4 RAM_LIMIT 64K REPORT kws.json)
#   target_link_libraries(firmware PRIVATE kws_model)   # then #include "kws.h"
function(emlc_add_model lib)
  set(one MODEL NAME TARGET TARGET_CORE DEVICE QUANTIZE CALIBRATION PRECISION OPTIMIZE RAM_LIMIT FLASH_LIMIT PRUNE IO
          REPORT EMLC)
  cmake_parse_arguments(ARG "" "${one}" "SHAPES;LAYER_PRECISION;EXTRA_ARGS" ${ARGN})
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "emlc_add_model(${lib}): unknown argument(s) ${ARG_UNPARSED_ARGUMENTS}; the keywords are "
                        "${one} SHAPES LAYER_PRECISION EXTRA_ARGS (see cmake/EmlcModel.cmake)")
  endif()
  foreach(kw ${one} SHAPES LAYER_PRECISION EXTRA_ARGS)
    if(kw IN_LIST ARG_KEYWORDS_MISSING_VALUES)
      message(FATAL_ERROR "emlc_add_model(${lib}): ${kw} needs a value")
    endif()
  endforeach()
  if(NOT ARG_MODEL)
    message(FATAL_ERROR "emlc_add_model(${lib}): MODEL is required, e.g. MODEL kws.onnx")
  endif()
  if(ARG_TARGET_CORE AND NOT ARG_TARGET)
    set(ARG_TARGET ${ARG_TARGET_CORE})
  endif()
  foreach(s ${ARG_SHAPES})
    if(NOT s MATCHES "^[^=]+=[0-9x]+$")
      message(FATAL_ERROR "emlc_add_model(${lib}): SHAPES value '${s}' is not NAME=DIMS (e.g. input=1x1x49x10)")
    endif()
  endforeach()
  if(NOT ARG_NAME)
    set(ARG_NAME ${lib})
  endif()
  if(NOT ARG_EMLC)
    if(EMLC_EXECUTABLE)
      set(ARG_EMLC ${EMLC_EXECUTABLE})
    else()
      find_program(EMLC_EXECUTABLE emlc REQUIRED)
      set(ARG_EMLC ${EMLC_EXECUTABLE})
    endif()
  endif()

  # The emlc target: TARGET, the DEVICE's core, or generic.
  set(target ${ARG_TARGET})
  if(ARG_DEVICE)
    _emlc_catalog_entry(${lib} ${ARG_EMLC} devices ${ARG_DEVICE} device)
    set(device_target "")
    if(device)
      string(JSON device_target GET "${device}" target)
    endif()
    if(NOT device_target)
      message(FATAL_ERROR "emlc_add_model(${lib}): unknown DEVICE '${ARG_DEVICE}' (emlc devices lists them)")
    endif()
    if(target AND NOT target STREQUAL device_target)
      message(FATAL_ERROR "emlc_add_model(${lib}): TARGET ${target} contradicts DEVICE ${ARG_DEVICE} (${device_target})")
    endif()
    set(target ${device_target})
  endif()
  if(NOT target)
    set(target generic)
  endif()
  _emlc_arch_flags(${lib} ${ARG_EMLC} ${target} arch_flags)

  get_filename_component(model "${ARG_MODEL}" ABSOLUTE)
  set(out "${CMAKE_CURRENT_BINARY_DIR}/emlc_${lib}")
  set(args compile ${model} -o ${out} --name ${ARG_NAME} --target ${target})
  set(depends ${model} ${ARG_EMLC})
  foreach(kw DEVICE QUANTIZE CALIBRATION PRECISION OPTIMIZE RAM_LIMIT FLASH_LIMIT PRUNE IO REPORT)
    if(ARG_${kw})
      string(TOLOWER ${kw} opt)
      string(REPLACE "_" "-" opt ${opt})
      set(value ${ARG_${kw}})
      if(kw STREQUAL "CALIBRATION" OR kw STREQUAL "REPORT")
        get_filename_component(value "${value}" ABSOLUTE)
      endif()
      if(kw STREQUAL "CALIBRATION" AND NOT IS_DIRECTORY "${value}")
        list(APPEND depends ${value})
      endif()
      list(APPEND args --${opt}=${value})
    endif()
  endforeach()
  foreach(s ${ARG_SHAPES})
    list(APPEND args --shape ${s})
  endforeach()
  foreach(p ${ARG_LAYER_PRECISION})
    list(APPEND args --layer-precision ${p})
  endforeach()
  list(APPEND args ${ARG_EXTRA_ARGS})

  set(files ${out}/${ARG_NAME}.h ${out}/${ARG_NAME}.c ${out}/${ARG_NAME}_weights.c)
  add_custom_command(
    OUTPUT ${files}
    COMMAND ${ARG_EMLC} ${args}
    DEPENDS ${depends}
    COMMENT "emlc: compiling ${ARG_MODEL} for ${target}"
    VERBATIM)
  add_library(${lib} STATIC ${out}/${ARG_NAME}.c ${out}/${ARG_NAME}_weights.c)
  target_include_directories(${lib} PUBLIC ${out})
  target_compile_options(${lib} PRIVATE ${arch_flags})
  set_target_properties(${lib} PROPERTIES C_STANDARD 99 C_STANDARD_REQUIRED ON)
  find_library(EMLC_LIBM m)
  if(EMLC_LIBM)
    target_link_libraries(${lib} PUBLIC ${EMLC_LIBM})
  endif()
endfunction()

# The core flags (-mcpu=... / -march=... / -mavx2 ...) a module for `target` needs, when this build's C compiler
# builds for that architecture: none for generic, none (and an error on a mismatch) under one of emlc's toolchain
# files, which already set them.
function(_emlc_arch_flags lib emlc target out_var)
  set(${out_var} "" PARENT_SCOPE)
  if(DEFINED EMLC_TARGET) # one of emlc's toolchain files
    if(NOT target STREQUAL EMLC_TARGET AND NOT target STREQUAL "generic")
      message(FATAL_ERROR "emlc_add_model(${lib}): the module is for ${target} but the toolchain file is for "
                          "${EMLC_TARGET}: use toolchains/${target}.cmake, or TARGET ${EMLC_TARGET}")
    endif()
    return()
  endif()
  _emlc_catalog_entry(${lib} ${emlc} targets ${target} entry)
  if(entry)
    string(JSON cc GET "${entry}" cc)
    string(JSON nflags LENGTH "${entry}" arch_flags)
    set(flags "")
    if(nflags GREATER 0)
      math(EXPR nflags "${nflags} - 1")
      foreach(k RANGE ${nflags})
        string(JSON f GET "${entry}" arch_flags ${k})
        list(APPEND flags ${f})
      endforeach()
    endif()
  endif()
  if(NOT DEFINED cc)
    message(FATAL_ERROR "emlc_add_model(${lib}): unknown TARGET '${target}' (emlc targets lists them)")
  endif()
  string(REGEX REPLACE "-gcc$" "" prefix "${cc}")
  get_filename_component(compiler "${CMAKE_C_COMPILER}" NAME)
  if(cc STREQUAL "cc") # a host target: x86 flags on an x86 build
    if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64|amd64")
      set(${out_var} ${flags} PARENT_SCOPE)
    endif()
  elseif(compiler MATCHES "^${prefix}")
    set(${out_var} ${flags} PARENT_SCOPE)
  elseif(flags)
    message(STATUS "emlc_add_model(${lib}): build the ${target} module with ${flags}")
  endif()
endfunction()

# The JSON object named `name` in `emlc <what> --json` (targets or devices), or "" when there is none.
function(_emlc_catalog_entry lib emlc what name out_var)
  execute_process(COMMAND ${emlc} ${what} --json OUTPUT_VARIABLE list RESULT_VARIABLE failed)
  if(failed)
    message(FATAL_ERROR "emlc_add_model(${lib}): '${emlc} ${what} --json' failed")
  endif()
  set(${out_var} "" PARENT_SCOPE)
  string(JSON n LENGTH "${list}")
  math(EXPR n "${n} - 1")
  foreach(i RANGE ${n})
    string(JSON entry_name GET "${list}" ${i} name)
    if(entry_name STREQUAL name)
      string(JSON entry GET "${list}" ${i})
      set(${out_var} "${entry}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
endfunction()
