# emlc_add_model(<target> MODEL <file.onnx> [NAME <c_prefix>] [TARGET_CORE <emlc target>]
#                [SHAPES <input=dims>...] [EMLC <path to emlc>])
#
# Compiles an ONNX model with emlc at build time and wraps the emitted C in a
# static library <target> whose include directory holds <NAME>.h. The model is
# recompiled when the .onnx file (or emlc) changes.
#
#   include(/path/to/emlc/cmake/EmlcModel.cmake)
#   emlc_add_model(kws_model MODEL kws.onnx NAME kws TARGET_CORE cortex-m4)
#   target_link_libraries(firmware PRIVATE kws_model)   # then #include "kws.h"
function(emlc_add_model target)
  cmake_parse_arguments(ARG "" "MODEL;NAME;TARGET_CORE;EMLC" "SHAPES" ${ARGN})
  if(NOT ARG_MODEL)
    message(FATAL_ERROR "emlc_add_model(${target}): MODEL is required")
  endif()
  if(NOT ARG_NAME)
    set(ARG_NAME ${target})
  endif()
  if(NOT ARG_TARGET_CORE)
    set(ARG_TARGET_CORE generic)
  endif()
  if(NOT ARG_EMLC)
    find_program(ARG_EMLC emlc REQUIRED)
  endif()
  get_filename_component(model "${ARG_MODEL}" ABSOLUTE)
  set(out "${CMAKE_CURRENT_BINARY_DIR}/emlc_${target}")
  set(shape_args "")
  foreach(s ${ARG_SHAPES})
    list(APPEND shape_args --shape ${s})
  endforeach()
  set(files ${out}/${ARG_NAME}.h ${out}/${ARG_NAME}.c ${out}/${ARG_NAME}_weights.c)
  add_custom_command(
    OUTPUT ${files}
    COMMAND ${ARG_EMLC} compile ${model} -o ${out} --name ${ARG_NAME} --target ${ARG_TARGET_CORE} ${shape_args}
    DEPENDS ${model} ${ARG_EMLC}
    COMMENT "emlc: compiling ${ARG_MODEL} for ${ARG_TARGET_CORE}"
    VERBATIM)
  add_library(${target} STATIC ${out}/${ARG_NAME}.c ${out}/${ARG_NAME}_weights.c)
  target_include_directories(${target} PUBLIC ${out})
  set_target_properties(${target} PROPERTIES C_STANDARD 99 C_STANDARD_REQUIRED ON)
  find_library(EMLC_LIBM m)
  if(EMLC_LIBM)
    target_link_libraries(${target} PUBLIC ${EMLC_LIBM})
  endif()
endfunction()
