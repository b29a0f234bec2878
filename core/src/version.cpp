/**
 * @file version.cpp
 * @brief The library version, set by the build (project(VERSION) in CMake).
 */
#include "mtasts/mtasts.h"

#ifndef MTASTS_VERSION
#error "MTASTS_VERSION must be defined by the build"
#endif

namespace mtasts {
const char* version() noexcept { return MTASTS_VERSION; }
}  // namespace mtasts
