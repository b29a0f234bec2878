/**
 * @file terminal.h
 * @brief What the CLI's commands share about the terminal: colours (only on
 *        a terminal, never with NO_COLOR or TERM=dumb) and text made safe to
 *        print (control bytes from a report or a server never reach it).
 */
#ifndef MTASTS_TOOLS_CLI_TERMINAL_H
#define MTASTS_TOOLS_CLI_TERMINAL_H

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace mtasts::cli {

/** Terminal escapes; all empty unless stdout is a terminal (and NO_COLOR is unset). */
struct colours {
  const char* bold = "";
  const char* dim = "";
  const char* red = "";
  const char* yellow = "";
  const char* green = "";
  const char* reset = "";
};

inline colours colours_for_stdout() {
  colours c;
  const char* term = std::getenv("TERM");
  const char* no_color = std::getenv("NO_COLOR");
  if (!isatty(STDOUT_FILENO) || (no_color && *no_color) || (term && std::strcmp(term, "dumb") == 0)) return c;
  c.bold = "\033[1m";
  c.dim = "\033[2m";
  c.red = "\033[31m";
  c.yellow = "\033[33m";
  c.green = "\033[32m";
  c.reset = "\033[0m";
  return c;
}

inline std::string join(const std::vector<std::string>& items, const char* sep = ", ") {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += sep;
    out += i;
  }
  return out;
}

/** Control bytes of reporter-supplied text shown as '?', so a report cannot drive the terminal. */
inline std::string printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char ch : s) {
    const auto u = static_cast<unsigned char>(ch);
    out += (u < 0x20 || u == 0x7f) ? '?' : ch;
  }
  return out;
}

}  // namespace mtasts::cli

#endif
