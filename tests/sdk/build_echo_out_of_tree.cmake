# Installs only the SDK component into a scratch prefix, then builds sdk/examples/echo against
# it as an outside author would: proof that the SDK is self-contained.
# -DBUILD_DIR=<notify build> -DSOURCE_DIR=<notify source> -DWORK_DIR=<scratch>
file(REMOVE_RECURSE ${WORK_DIR})
foreach(step
    "${CMAKE_COMMAND};--install;${BUILD_DIR};--prefix;${WORK_DIR}/prefix;--component;sdk"
    "${CMAKE_COMMAND};-S;${SOURCE_DIR}/sdk/examples/echo;-B;${WORK_DIR}/build;-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix"
    "${CMAKE_COMMAND};--build;${WORK_DIR}/build")
  execute_process(COMMAND ${step} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "step failed (${rc}): ${step}\n${out}\n${err}")
  endif()
endforeach()
file(GLOB_RECURSE built ${WORK_DIR}/build/channel_echo.so)
if(NOT built)
  message(FATAL_ERROR "channel_echo.so was not built")
endif()
file(MAKE_DIRECTORY ${WORK_DIR}/plugins)
file(COPY ${built} DESTINATION ${WORK_DIR}/plugins)
message(STATUS "built ${built} against the installed SDK only")
