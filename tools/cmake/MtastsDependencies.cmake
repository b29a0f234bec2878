# Finds nlohmann/json and doctest from Debian's packages, natively and under
# Emscripten; and, for the native CLI only, libarchive and GMime 3 through
# pkg-config.
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

# The native CLI's containers for TLS-RPT reports (tools/cli/report_files.cpp):
# libarchive (gzip, zip) and GMime 3 (e-mail), as IMPORTED targets
# PkgConfig::mtasts_libarchive and PkgConfig::mtasts_gmime. Only the CLI links
# them: the core and the wasm module never do. On Debian: apt-get install
# pkg-config libarchive-dev libgmime-3.0-dev (tools/lib/deps.sh does it).
if(MTASTS_TOOLS AND NOT EMSCRIPTEN)
  find_package(PkgConfig QUIET)
  if(NOT PKG_CONFIG_FOUND)
    message(FATAL_ERROR "pkg-config not found (the CLI finds libarchive and GMime with it): "
                        "apt-get install pkg-config libarchive-dev libgmime-3.0-dev, "
                        "or configure with -DMTASTS_TOOLS=OFF")
  endif()
  pkg_check_modules(mtasts_libarchive QUIET IMPORTED_TARGET libarchive>=3.4)
  pkg_check_modules(mtasts_gmime QUIET IMPORTED_TARGET gmime-3.0>=3.2)
  if(NOT mtasts_libarchive_FOUND OR NOT mtasts_gmime_FOUND)
    message(FATAL_ERROR "libarchive (>= 3.4) or GMime 3 (>= 3.2) not found with pkg-config: "
                        "apt-get install libarchive-dev libgmime-3.0-dev (./tools/test does it), "
                        "or configure with -DMTASTS_TOOLS=OFF")
  endif()
  message(STATUS "CLI containers: libarchive ${mtasts_libarchive_VERSION}, GMime ${mtasts_gmime_VERSION}")
  # The live check's native host (tools/host/): libcurl (Debian's OpenSSL
  # flavour), OpenSSL, and libidn2 (an IDN typed on the command line mapped
  # with UTS #46, as the page's URL parser does).
  # apt-get install libcurl4-openssl-dev libssl-dev libidn2-dev.
  find_package(CURL 7.87 QUIET)  # curl_easy_header, CURLOPT_PROTOCOLS_STR, CURLOPT_QUICK_EXIT (bookworm: 7.88)
  find_package(OpenSSL 3.0 QUIET)
  pkg_check_modules(mtasts_idn2 QUIET IMPORTED_TARGET libidn2>=2.3)
  if(NOT CURL_FOUND OR NOT OpenSSL_FOUND OR NOT mtasts_idn2_FOUND)
    message(FATAL_ERROR "libcurl, OpenSSL or libidn2 not found: apt-get install libcurl4-openssl-dev libssl-dev libidn2-dev "
                        "(./tools/test does it), or configure with -DMTASTS_TOOLS=OFF")
  endif()
  find_package(Threads REQUIRED)
  message(STATUS "CLI live check: libcurl ${CURL_VERSION_STRING}, OpenSSL ${OPENSSL_VERSION}")
endif()
