/**
 * @file check.h
 * @brief `mtasts check`: the live check of one domain or a long list, through
 *        the core's engine and the native host (tools/host/host.h).
 */
#ifndef MTASTS_TOOLS_CLI_CHECK_H
#define MTASTS_TOOLS_CLI_CHECK_H

namespace mtasts::cli {

/** Runs `mtasts check` with the arguments after "check"; returns the exit status (usage in check.cpp). */
int run_check(int argc, char** argv);

}  // namespace mtasts::cli

#endif
