/**
 * @file bench_lint.cpp
 * @brief The native half of ./tools/bench's lint figures: the same corpus,
 *        the same rounds, timed with std::chrono around the core's calls.
 *
 *   mtasts_bench_lint CORPUS_DIR [--rounds=N] [--round-ms=M] [--warm-ms=W]
 *
 * CORPUS_DIR holds (tools/benchmarks/corpus/README.md):
 *   typical.txt           one valid policy as most domains publish it
 *   policies/NN-name.txt  one policy body per file, bytes as served
 *   policy-64k.txt        one policy body near the 64 KB limit
 *   sts-records.txt       one _mta-sts TXT record per line
 *   tlsrpt-records.txt    one _smtp._tls TXT record per line
 *
 * For each kind, one pass calls the linter once on every input of that kind.
 * A round repeats passes until it has lasted M ms (default 50); the figure is
 * the time per call (round time / calls) of the median of N rounds (default
 * 15), after W ms of untimed passes (default 1500, as in the JS half, where
 * the JIT needs it). Two columns: the lint alone (the result
 * structs), and the lint plus the JSON report the wasm module hands to
 * JavaScript (to_json), which is what a call through the ES module costs the
 * core. The core is sans-I/O: this program reads the files, the core never
 * does.
 *
 * Output: one JSON object on stdout (tools/benchmarks/lint.mjs reads it).
 */
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mtasts/mtasts.h"
#include "mtasts/json.h"

namespace {

namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

bool read_file(const fs::path& p, std::string& out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

/** The lines of a records file: LF-separated, empty lines skipped, nothing trimmed. */
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

/** Keeps results alive so that the optimiser cannot drop a call. */
volatile std::size_t sink = 0;

struct figures {
  double lint_us = 0;
  double lint_json_us = 0;
};

/** Median over `rounds` of the time per call, a round lasting at least `round_ms`. */
struct method {
  int rounds = 15;
  double round_ms = 50;
  double warm_ms = 1500;
};

double time_per_call(const std::vector<std::string>& inputs, const std::function<std::size_t(std::string_view)>& call,
                     const method& how) {
  auto pass = [&] {
    std::size_t s = 0;
    for (const auto& in : inputs) s += call(in);
    sink = sink + s;
  };
  // Untimed: caches, page faults, the allocator's first growth, the CPU's clock.
  const auto warm_until = clock_type::now() + std::chrono::duration<double, std::milli>(how.warm_ms);
  while (clock_type::now() < warm_until) pass();

  std::vector<double> per_call;
  for (int r = 0; r < how.rounds; ++r) {
    std::size_t calls = 0;
    const auto t0 = clock_type::now();
    auto t1 = t0;
    do {
      pass();
      calls += inputs.size();
      t1 = clock_type::now();
    } while (std::chrono::duration<double, std::milli>(t1 - t0).count() < how.round_ms);
    per_call.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count() / static_cast<double>(calls));
  }
  std::sort(per_call.begin(), per_call.end());
  return per_call[per_call.size() / 2];
}

template <class Lint>
figures measure(const std::vector<std::string>& inputs, Lint lint, const method& how) {
  figures f;
  f.lint_us = time_per_call(
      inputs, [&](std::string_view s) { return lint(s).findings.size(); }, how);
  f.lint_json_us = time_per_call(
      inputs, [&](std::string_view s) { return mtasts::to_json(lint(s)).size(); }, how);
  return f;
}

int usage(const char* why) {
  std::fprintf(stderr, "mtasts_bench_lint: %s\nusage: mtasts_bench_lint CORPUS_DIR [--rounds=N] [--round-ms=M] [--warm-ms=W]\n", why);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage("missing CORPUS_DIR");
  const fs::path dir = argv[1];
  method how;
  for (int i = 2; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a.rfind("--rounds=", 0) == 0) how.rounds = std::atoi(argv[i] + 9);
    else if (a.rfind("--round-ms=", 0) == 0) how.round_ms = std::atof(argv[i] + 11);
    else if (a.rfind("--warm-ms=", 0) == 0) how.warm_ms = std::atof(argv[i] + 10);
    else return usage("unknown option");
  }
  if (how.rounds < 1 || how.round_ms <= 0 || how.warm_ms < 0) return usage("--rounds, --round-ms and --warm-ms must be positive");

  std::vector<std::string> policies;
  std::vector<fs::path> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir / "policies", ec)) {
    if (e.is_regular_file() && e.path().extension() == ".txt") names.push_back(e.path());
  }
  if (ec || names.empty()) return usage("no policies/*.txt in CORPUS_DIR");
  std::sort(names.begin(), names.end());
  for (const auto& n : names) {
    std::string body;
    if (!read_file(n, body)) return usage("cannot read a policy file");
    policies.push_back(std::move(body));
  }
  std::string typical, big, sts_text, tlsrpt_text;
  if (!read_file(dir / "typical.txt", typical) || !read_file(dir / "policy-64k.txt", big) || !read_file(dir / "sts-records.txt", sts_text) ||
      !read_file(dir / "tlsrpt-records.txt", tlsrpt_text)) {
    return usage("cannot read typical.txt, policy-64k.txt, sts-records.txt or tlsrpt-records.txt");
  }
  const std::vector<std::string> typicals{typical};
  const std::vector<std::string> bigs{big};
  const auto sts = lines_of(sts_text);
  const auto tlsrpt = lines_of(tlsrpt_text);

  auto lint_policy = [](std::string_view s) { return mtasts::lint_policy(s); };
  auto lint_sts = [](std::string_view s) { return mtasts::lint_sts_record(s); };
  auto lint_tlsrpt = [](std::string_view s) { return mtasts::lint_tlsrpt_record(s); };

  struct row {
    const char* kind;
    std::size_t inputs;
    figures f;
  };
  const row rows[] = {
      {"typical", 1, measure(typicals, lint_policy, how)},
      {"policy", policies.size(), measure(policies, lint_policy, how)},
      {"policy-64k", 1, measure(bigs, lint_policy, how)},
      {"sts", sts.size(), measure(sts, lint_sts, how)},
      {"tlsrpt", tlsrpt.size(), measure(tlsrpt, lint_tlsrpt, how)},
  };

  nlohmann::ordered_json out = {{"version", mtasts::version()}, {"rounds", how.rounds},
                                 {"round_ms", how.round_ms}, {"warm_ms", how.warm_ms}, {"rows", nlohmann::ordered_json::array()}};
  for (const auto& r : rows) {
    out["rows"].push_back({{"kind", r.kind}, {"inputs", r.inputs}, {"lint_us", r.f.lint_us}, {"lint_json_us", r.f.lint_json_us}});
  }
  std::puts(out.dump().c_str());
  return 0;
}
