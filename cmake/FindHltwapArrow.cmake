# Finds Arrow C++ and Parquet and exposes them as hltwap::arrow and hltwap::parquet.
#
# A system install (Apache's APT repository, conda, Homebrew, vcpkg) is preferred. Otherwise the
# headers and shared libraries bundled in the pyarrow wheel are used: the wheel ships no CMake
# config, so the paths are asked of pyarrow itself through HLTWAP_PYTHON (default: the project's
# .venv).
include(FindPackageHandleStandardArgs)

find_package(Arrow CONFIG QUIET)
find_package(Parquet CONFIG QUIET)
if(Arrow_FOUND AND Parquet_FOUND)
  add_library(hltwap::arrow INTERFACE IMPORTED)
  add_library(hltwap::parquet INTERFACE IMPORTED)
  target_link_libraries(hltwap::arrow INTERFACE Arrow::arrow_shared)
  target_link_libraries(hltwap::parquet INTERFACE Parquet::parquet_shared)
  set(HLTWAP_ARROW_SOURCE "system ${Arrow_VERSION}")
  find_package_handle_standard_args(HltwapArrow DEFAULT_MSG HLTWAP_ARROW_SOURCE)
  return()
endif()

set(HLTWAP_PYTHON "${CMAKE_CURRENT_SOURCE_DIR}/.venv/bin/python" CACHE FILEPATH
    "Python interpreter whose pyarrow provides Arrow C++ when no system Arrow is installed")
execute_process(
  COMMAND "${HLTWAP_PYTHON}" -c
          "import pyarrow; print(pyarrow.get_include()); print(pyarrow.get_library_dirs()[0]); print(pyarrow.__version__)"
  OUTPUT_VARIABLE _hltwap_pyarrow_out
  RESULT_VARIABLE _hltwap_pyarrow_rc
  ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
if(_hltwap_pyarrow_rc EQUAL 0)
  string(REPLACE "\n" ";" _hltwap_pyarrow_lines "${_hltwap_pyarrow_out}")
  list(GET _hltwap_pyarrow_lines 0 HLTWAP_ARROW_INCLUDE_DIR)
  list(GET _hltwap_pyarrow_lines 1 HLTWAP_ARROW_LIB_DIR)
  list(GET _hltwap_pyarrow_lines 2 HLTWAP_PYARROW_VERSION)
  # create_library_symlinks() (run by scripts/deps.sh) provides the unversioned names.
  find_library(HLTWAP_ARROW_LIBRARY NAMES arrow PATHS "${HLTWAP_ARROW_LIB_DIR}" NO_DEFAULT_PATH)
  find_library(HLTWAP_PARQUET_LIBRARY NAMES parquet PATHS "${HLTWAP_ARROW_LIB_DIR}" NO_DEFAULT_PATH)
endif()

find_package_handle_standard_args(HltwapArrow
  REQUIRED_VARS HLTWAP_ARROW_LIBRARY HLTWAP_PARQUET_LIBRARY HLTWAP_ARROW_INCLUDE_DIR
  REASON_FAILURE_MESSAGE "no system Arrow C++ and no pyarrow at ${HLTWAP_PYTHON} (run 'make deps')")
if(NOT HltwapArrow_FOUND)
  return()
endif()
set(HLTWAP_ARROW_SOURCE "pyarrow ${HLTWAP_PYARROW_VERSION}")
message(STATUS "Arrow C++ from the pyarrow ${HLTWAP_PYARROW_VERSION} wheel: ${HLTWAP_ARROW_LIB_DIR}")

add_library(hltwap::arrow SHARED IMPORTED)
set_target_properties(hltwap::arrow PROPERTIES
  IMPORTED_LOCATION "${HLTWAP_ARROW_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${HLTWAP_ARROW_INCLUDE_DIR}")
add_library(hltwap::parquet SHARED IMPORTED)
set_target_properties(hltwap::parquet PROPERTIES
  IMPORTED_LOCATION "${HLTWAP_PARQUET_LIBRARY}"
  INTERFACE_LINK_LIBRARIES hltwap::arrow)
# The wheel's libraries are not on the loader's path; remember where they are.
set(CMAKE_BUILD_RPATH "${CMAKE_BUILD_RPATH};${HLTWAP_ARROW_LIB_DIR}")
set(CMAKE_INSTALL_RPATH "${CMAKE_INSTALL_RPATH};${HLTWAP_ARROW_LIB_DIR}")
