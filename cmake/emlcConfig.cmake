# find_package(emlc): emlc_add_model() (cmake/EmlcModel.cmake), EMLC_EXECUTABLE (the installed emlc) and
# EMLC_TOOLCHAIN_DIR (toolchains/<target>.cmake for the cross targets). Installed as
# <prefix>/lib/cmake/emlc/emlcConfig.cmake; everything is found relative to it, so the prefix can move.
get_filename_component(_emlc_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
set(EMLC_EXECUTABLE "${_emlc_prefix}/bin/emlc" CACHE FILEPATH "the emlc compiler used by emlc_add_model()")
set(EMLC_TOOLCHAIN_DIR "${CMAKE_CURRENT_LIST_DIR}/toolchains")
include("${CMAKE_CURRENT_LIST_DIR}/EmlcModel.cmake")
unset(_emlc_prefix)
