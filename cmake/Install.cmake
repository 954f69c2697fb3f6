# cmake --install build --prefix P puts everything a firmware project needs under P:
#   bin/emlc, bin/emlc-opt, bin/emlc-translate
#   lib/libemlc-qemu-insn-count.so       emlc verify's instruction counter (found as <emlc>/../lib)
#   lib/cmake/emlc/                      find_package(emlc): emlc_add_model(); toolchains/<target>.cmake
#   share/man/man1/emlc.1                generated from the --help texts
#   share/bash-completion/completions/emlc
include(cmake/Toolchains.cmake)

set(EMLC_MANPAGE ${CMAKE_BINARY_DIR}/emlc.1)
set(EMLC_COMPLETION ${CMAKE_BINARY_DIR}/emlc.bash)
add_custom_command(OUTPUT ${EMLC_MANPAGE} ${EMLC_COMPLETION}
                   COMMAND /usr/bin/python3 ${CMAKE_SOURCE_DIR}/scripts/gen_manpage.py $<TARGET_FILE:emlc> ${EMLC_MANPAGE}
                   COMMAND $<TARGET_FILE:emlc> completion bash > ${EMLC_COMPLETION}
                   DEPENDS emlc ${CMAKE_SOURCE_DIR}/scripts/gen_manpage.py
                   COMMENT "emlc man page and bash completion")
add_custom_target(emlc-docs ALL DEPENDS ${EMLC_MANPAGE} ${EMLC_COMPLETION})

install(TARGETS emlc emlc-opt emlc-translate RUNTIME DESTINATION bin)
install(TARGETS emlc-qemu-insn-count LIBRARY DESTINATION lib)
include(CMakePackageConfigHelpers)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/emlcConfigVersion.cmake COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
install(FILES cmake/emlcConfig.cmake cmake/EmlcModel.cmake ${CMAKE_BINARY_DIR}/emlcConfigVersion.cmake
        DESTINATION lib/cmake/emlc)
install(FILES ${EMLC_TOOLCHAIN_FILES} DESTINATION lib/cmake/emlc/toolchains)
install(FILES ${EMLC_MANPAGE} DESTINATION share/man/man1)
install(FILES ${EMLC_COMPLETION} DESTINATION share/bash-completion/completions RENAME emlc)
