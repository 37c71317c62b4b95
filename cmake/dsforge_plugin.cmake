# dsforge_add_plugin(<name> SOURCES <files...> [LIBRARIES <libs...>]
#                    [OUTPUT_DIRECTORY <dir>] [NO_INSTALL])
#
# Builds a dsforge plugin the one way every plugin is built, in tree or out:
# a MODULE library against dsforge::sdk only, hidden visibility, a version
# script that exports nothing but the entry symbol, and -z defs so a missing
# symbol fails at link time instead of at dlopen().
# Installed with the SDK package, so third parties use the same helper.
include_guard(GLOBAL)

set(_DSFORGE_PLUGIN_MAP "${CMAKE_CURRENT_LIST_DIR}/dsforge_plugin.map")

function(dsforge_add_plugin name)
  cmake_parse_arguments(ARG "NO_INSTALL" "OUTPUT_DIRECTORY" "SOURCES;LIBRARIES" ${ARGN})
  add_library(${name} MODULE ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE dsforge::sdk ${ARG_LIBRARIES})
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(NOT APPLE)
    target_link_options(${name} PRIVATE
      "LINKER:--version-script=${_DSFORGE_PLUGIN_MAP}" "LINKER:-z,defs")
  endif()
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${ARG_OUTPUT_DIRECTORY}")
  elseif(DEFINED DSFORGE_PLUGIN_OUTPUT_DIR)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${DSFORGE_PLUGIN_OUTPUT_DIR}")
  endif()
  # In the dsforge tree, built-in plugins install next to dshost.
  if(DEFINED DSFORGE_PLUGIN_INSTALL_DIR AND NOT ARG_NO_INSTALL)
    install(TARGETS ${name} LIBRARY DESTINATION "${DSFORGE_PLUGIN_INSTALL_DIR}")
  endif()
endfunction()
