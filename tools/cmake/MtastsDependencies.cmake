# Finds nlohmann/json and doctest from Debian's packages, natively and under
# Emscripten.
#
# Under Emscripten, find_package() is re-rooted into the emscripten sysroot
# and does not see /usr; and adding -isystem /usr/include would let glibc's
# headers leak into the wasm build. So we expose only the library's own
# header folder, through a symlink in the build tree, as an IMPORTED target
# with the usual name.

function(mtasts_header_only_target target header)
  if(TARGET ${target})
    return()
  endif()
  find_path(_mtasts_${target}_root NAMES ${header}
            PATHS /usr/include /usr/local/include NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH)
  if(NOT _mtasts_${target}_root)
    message(FATAL_ERROR "${header} not found: apt-get install nlohmann-json3-dev doctest-dev (./tools/test does it)")
  endif()
  string(REGEX REPLACE "/.*" "" _subdir "${header}")
  set(_shim "${CMAKE_BINARY_DIR}/_include_shims/${target}")
  file(MAKE_DIRECTORY "${_shim}")
  file(CREATE_LINK "${_mtasts_${target}_root}/${_subdir}" "${_shim}/${_subdir}" SYMBOLIC)
  add_library(${target} INTERFACE IMPORTED GLOBAL)
  set_target_properties(${target} PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${_shim}")
endfunction()

if(EMSCRIPTEN)
  mtasts_header_only_target(nlohmann_json::nlohmann_json nlohmann/json.hpp)
  if(MTASTS_TESTING)
    mtasts_header_only_target(doctest::doctest doctest/doctest.h)
  endif()
else()
  find_package(nlohmann_json 3.10 REQUIRED CONFIG)
  if(MTASTS_TESTING)
    find_package(doctest 2.4 REQUIRED CONFIG)
  endif()
endif()
