# Embeds the C kernel sources of every target into the compiler, so an
# installed emlc needs no data files: targets/<t>/kernels/*.{c,h} and the target
# descriptions targets/<t>/target.json become a table
# {path, text} in a generated C++ file (regenerated when a kernel changes).
function(emlc_embed_kernels out_var)
  file(GLOB_RECURSE kernel_files CONFIGURE_DEPENDS
       ${CMAKE_SOURCE_DIR}/targets/*/kernels/*.c ${CMAKE_SOURCE_DIR}/targets/*/kernels/*.h
       ${CMAKE_SOURCE_DIR}/targets/*/target.json)
  list(SORT kernel_files)
  set(out ${CMAKE_BINARY_DIR}/generated/EmbeddedKernels.cpp)
  string(REPLACE ";" "|" files_arg "${kernel_files}")
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DROOT=${CMAKE_SOURCE_DIR}/targets
            "-DFILES=${files_arg}" -P ${CMAKE_SOURCE_DIR}/cmake/EmbedKernelsScript.cmake
    DEPENDS ${kernel_files} ${CMAKE_SOURCE_DIR}/cmake/EmbedKernelsScript.cmake
    COMMENT "Embedding kernel sources"
    VERBATIM)
  set(${out_var} ${out} PARENT_SCOPE)
endfunction()
