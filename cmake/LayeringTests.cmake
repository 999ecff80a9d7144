# Tests that the module layering holds at build level: with a module's own compile flags, a
# header of a module it may use compiles and a header of a module it may not use is not found.
# Each probe includes a real header of the other module, so a failure can only mean "not
# reachable", and the allowed probe proves the flags are the ones the module builds with.
set(HLTWAP_LAYERS common db etl api)
set(HLTWAP_ALLOWED_common common)
set(HLTWAP_ALLOWED_db common db)
set(HLTWAP_ALLOWED_etl common db etl)
set(HLTWAP_ALLOWED_api common db api)

set(probe_dir "${CMAKE_BINARY_DIR}/layering")
file(MAKE_DIRECTORY "${probe_dir}")
foreach(layer IN LISTS HLTWAP_LAYERS)
  file(GLOB headers RELATIVE "${CMAKE_CURRENT_SOURCE_DIR}/src" "${CMAKE_CURRENT_SOURCE_DIR}/src/${layer}/*.h")
  list(SORT headers)
  list(GET headers 0 HLTWAP_PROBE_HEADER_${layer})
endforeach()

foreach(module IN LISTS HLTWAP_LAYERS)
  set(flags "-I$<JOIN:$<TARGET_PROPERTY:hltwap_${module},INCLUDE_DIRECTORIES>,;-I>"
            "-D$<JOIN:$<TARGET_PROPERTY:hltwap_${module},COMPILE_DEFINITIONS>,;-D>")
  foreach(other IN LISTS HLTWAP_LAYERS)
    set(header "${HLTWAP_PROBE_HEADER_${other}}")
    set(probe "${probe_dir}/${module}_includes_${other}.cc")
    file(CONFIGURE OUTPUT "${probe}" CONTENT "#include \"${header}\"\n")
    if(other IN_LIST HLTWAP_ALLOWED_${module})
      set(expect reachable)
    else()
      set(expect unreachable)
    endif()
    add_test(NAME "layering.${module}_includes_${other}"
      COMMAND "${CMAKE_COMMAND}" -DCOMPILER=${CMAKE_CXX_COMPILER} -DPROBE=${probe}
              -DHEADER=${header} -DEXPECT=${expect} "-DFLAGS=${flags}"
              -P "${CMAKE_CURRENT_SOURCE_DIR}/cmake/CheckInclude.cmake")
    set_tests_properties("layering.${module}_includes_${other}" PROPERTIES LABELS unit)
  endforeach()
endforeach()
