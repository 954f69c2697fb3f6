# How emlc's libraries are declared: MLIR's add_mlir_library / add_mlir_dialect_library
# (LLVM's compile flags, tablegen ordering through DEPENDS), with include paths scoped to
# targets rather than directories.

# Every emlc library (and, through them, every tool) gets its include paths from this target.
add_library(EMLCIncludes INTERFACE)
target_include_directories(EMLCIncludes INTERFACE ${CMAKE_SOURCE_DIR}/include ${CMAKE_SOURCE_DIR})
# LLVM/MLIR headers, and mlir-tblgen's generated .inc files (not written for -Wextra: unused parameters in every
# op adaptor, the reason LLVM itself builds with -Wno-unused-parameter), as system headers.
target_include_directories(EMLCIncludes SYSTEM INTERFACE ${LLVM_INCLUDE_DIRS} ${MLIR_INCLUDE_DIRS}
                           ${CMAKE_BINARY_DIR}/include ${CMAKE_BINARY_DIR})
separate_arguments(EMLC_LLVM_DEFINITIONS UNIX_COMMAND "${LLVM_DEFINITIONS}")
target_compile_options(EMLCIncludes INTERFACE ${EMLC_LLVM_DEFINITIONS})

# mlir_tablegen's include path for emlc's .td files (they include mlir/ and dialects/ files).
set(EMLC_TABLEGEN_INCLUDES EXTRA_INCLUDES ${MLIR_INCLUDE_DIRS} ${CMAKE_SOURCE_DIR})

# emlc_add_library(NAME [DIALECT] sources... [DEPENDS tablegen targets] [LINK_LIBS PUBLIC libraries])
function(emlc_add_library name)
  cmake_parse_arguments(ARG "DIALECT" "" "LINK_LIBS" ${ARGN})
  set(libs ${ARG_LINK_LIBS})
  list(REMOVE_ITEM libs PUBLIC PRIVATE)
  if(ARG_DIALECT)
    add_mlir_dialect_library(${name} DISABLE_INSTALL ${ARG_UNPARSED_ARGUMENTS} LINK_LIBS ${ARG_LINK_LIBS})
  else()
    add_mlir_library(${name} DISABLE_INSTALL ${ARG_UNPARSED_ARGUMENTS} LINK_LIBS ${ARG_LINK_LIBS})
  endif()
  target_link_libraries(${name} PUBLIC EMLCIncludes)
  # add_mlir_library compiles through the object library obj.NAME, which sees only NAME's own include
  # directories and definitions: it takes the same usage requirements (include paths, the ONNX defines).
  foreach(t ${name} obj.${name})
    if(TARGET ${t})
      target_link_libraries(${t} PUBLIC EMLCIncludes ${libs})
      # As emlc always has (classes derived from LLVM's, compiled alike).
      target_compile_options(${t} PRIVATE -fno-rtti)
    endif()
  endforeach()
endfunction()
