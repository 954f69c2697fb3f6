# Embeds data files into the compiler, so an installed emlc needs no data files:
# the files become a table {path, text} (EmbeddedFile, targets/EmbeddedKernels.h)
# in a generated C++ file, regenerated when one of them changes.

# emlc_embed_files(OUT_VAR NAME ROOT GLOBS...): the files matching GLOBS become
# `const EmbeddedFile k<NAME>[]` and `const unsigned kNum<NAME>`, paths relative
# to ROOT, in ${CMAKE_BINARY_DIR}/generated/<NAME>.cpp.
function(emlc_embed_files out_var name root)
  file(GLOB_RECURSE files CONFIGURE_DEPENDS ${ARGN})
  list(SORT files)
  set(out ${CMAKE_BINARY_DIR}/generated/${name}.cpp)
  string(REPLACE ";" "|" files_arg "${files}")
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DROOT=${root} -DNAME=${name}
            "-DFILES=${files_arg}" -P ${CMAKE_SOURCE_DIR}/cmake/EmbedKernelsScript.cmake
    DEPENDS ${files} ${CMAKE_SOURCE_DIR}/cmake/EmbedKernelsScript.cmake
    COMMENT "Embedding ${name}"
    VERBATIM)
  set(${out_var} ${out} PARENT_SCOPE)
endfunction()

# The C kernel sources of every target, targets/<t>/kernels/*.{c,h}, and the
# target descriptions targets/<t>/target.json: kEmbeddedKernels.
function(emlc_embed_kernels out_var)
  emlc_embed_files(out EmbeddedKernels ${CMAKE_SOURCE_DIR}/targets
                   ${CMAKE_SOURCE_DIR}/targets/*/kernels/*.c ${CMAKE_SOURCE_DIR}/targets/*/kernels/*.h
                   ${CMAKE_SOURCE_DIR}/targets/*/target.json)
  set(${out_var} ${out} PARENT_SCOPE)
endfunction()
