# ctp_soname(LIBRARY OUT): the SONAME of a shared library (what dlopen should ask for at run time),
# read with objdump -p; fails the configure when it has none.
function(ctp_soname library out)
  execute_process(COMMAND ${CMAKE_OBJDUMP} -p "${library}" OUTPUT_VARIABLE headers
                  RESULT_VARIABLE status ERROR_QUIET)
  string(REGEX MATCH "SONAME +([^\n ]+)" match "${headers}")
  if(NOT status EQUAL 0 OR NOT CMAKE_MATCH_1)
    message(FATAL_ERROR "cannot read the SONAME of ${library} with ${CMAKE_OBJDUMP}")
  endif()
  set(${out} "${CMAKE_MATCH_1}" PARENT_SCOPE)
endfunction()
