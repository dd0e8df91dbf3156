# notify_add_channel(<name> SOURCES <files...> [LIBS <targets...>]
#                    [OUTPUT_DIRECTORY <dir>] [NO_INSTALL])
#
# Builds channel plugin <name> as the module library channel_<name>.so (CMake target
# channel_<name>). <name> must equal the descriptor's name: the host derives one from the other.
# The library hides every symbol but notify_channel_entry and must resolve all of its own
# symbols at link time, so a missing definition fails the build rather than the daemon's dlopen.
#
# The .so goes to OUTPUT_DIRECTORY if given, else to ${NOTIFY_PLUGIN_OUTPUT_DIR} when the
# including project sets it, else to CMake's default. Unless NO_INSTALL is given, it installs to
# ${CMAKE_INSTALL_LIBDIR}/notify/plugins (component "plugins").

include_guard(GLOBAL)
include(GNUInstallDirs)

# Captured now, globally: inside the function CMAKE_CURRENT_LIST_DIR is the caller's directory,
# and a plain variable would not reach sibling directories of the one that included this file.
set_property(GLOBAL PROPERTY NOTIFY_CHANNEL_MAP "${CMAKE_CURRENT_LIST_DIR}/channel.map")

function(notify_add_channel name)
  cmake_parse_arguments(PARSE_ARGV 1 CH "NO_INSTALL" "OUTPUT_DIRECTORY" "SOURCES;LIBS")
  if(CH_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "notify_add_channel(${name}): unexpected arguments ${CH_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT name MATCHES "^[a-z][a-z0-9_]*$")
    message(FATAL_ERROR "notify_add_channel: channel name '${name}' must match [a-z][a-z0-9_]*")
  endif()
  if(NOT CH_SOURCES)
    message(FATAL_ERROR "notify_add_channel(${name}): SOURCES is required")
  endif()

  get_property(map GLOBAL PROPERTY NOTIFY_CHANNEL_MAP)
  set(target channel_${name})
  add_library(${target} MODULE ${CH_SOURCES})
  target_link_libraries(${target} PRIVATE notify::sdk ${CH_LIBS})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME channel_${name}
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    POSITION_INDEPENDENT_CODE ON)
  if(UNIX AND NOT APPLE)
    target_link_options(${target} PRIVATE
      "LINKER:--version-script=${map}"
      "LINKER:--no-undefined")
    set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS ${map})
  endif()

  if(CH_OUTPUT_DIRECTORY)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${CH_OUTPUT_DIRECTORY})
  elseif(NOTIFY_PLUGIN_OUTPUT_DIR)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${NOTIFY_PLUGIN_OUTPUT_DIR})
  endif()

  if(NOT CH_NO_INSTALL)
    install(TARGETS ${target}
      LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/notify/plugins
      COMPONENT plugins)
  endif()
endfunction()
