# cmake -DCOMPILER=… -DPROBE=file.cc -DHEADER=x/y.h -DEXPECT=reachable|unreachable
#       -DFLAGS=<list> -P CheckInclude.cmake
# Compiles PROBE (which includes HEADER) for syntax only and checks the outcome.
execute_process(
  COMMAND "${COMPILER}" -std=c++20 -fsyntax-only ${FLAGS} "${PROBE}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(EXPECT STREQUAL "reachable")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${HEADER} should compile here but did not:\n${err}")
  endif()
  return()
endif()
if(rc EQUAL 0)
  message(FATAL_ERROR "${HEADER} compiled, but this module must not include it")
endif()
string(FIND "${err}" "${HEADER}: No such file or directory" at)
if(at EQUAL -1)
  message(FATAL_ERROR "${HEADER} failed for another reason than being unreachable:\n${err}")
endif()
