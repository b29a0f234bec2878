/**
 * @file check.cpp
 * @brief `mtasts check`: the live check of one domain or a long list, through
 *        the core's engine (mtasts/check.h) and the native host
 *        (tools/host/host.h), which adds what only a native program sees:
 *        the MX hosts' STARTTLS and certificates, and exact TLS errors.
 *
 * Many domains: --jobs workers (each a host::worker on its own thread, its
 * connections kept between checks) take the inputs in order; reports are
 * printed in input order as soon as every earlier one is out. Inputs are read
 * lazily and at most a window of them is in flight or waiting to be printed,
 * so memory does not grow with the length of the list. SIGINT stops the
 * workers (what is in flight ends as aborted and is not printed), prints what
 * had finished, and exits 130; a second SIGINT exits at once.
 */
#include "check.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "host.h"
#include "mtasts/check.h"
#include "mtasts/json.h"
#include "mtasts/limits.h"
#include "mtasts/mtasts.h"
#include "terminal.h"

namespace mtasts::cli {
namespace {

constexpr const char* check_usage =
    "usage: mtasts check [options] DOMAIN...\n"
    "       mtasts check [options] --from FILE|-     one domain per line (# comments and blank lines skipped)\n"
    "The live check (RFC 8461, RFC 8460) through the page's engine, plus each MX host's STARTTLS\n"
    "and certificate as senders meet them (port 25).\n"
    "options:\n"
    "  --json              one JSON report per line (the page's schema plus host, mx[].tls, the starttls check)\n"
    "  --jobs N            checks at once (default 16)\n"
    "  --resolver URL      DNS over HTTPS resolver (default https://cloudflare-dns.com/dns-query)\n"
    "  --dns HOST[:PORT]   classic DNS to this server instead (UDP, TCP when truncated)\n"
    "  --ca-file PEM       extra trust anchors beside the system's (DoH, the policy and STARTTLS)\n"
    "  --connect-to H:P:ADDR:P  send HTTPS for H:P to ADDR:P instead (curl's syntax; repeatable)\n"
    "  --timeout-ms N      limit per request and per probe step (default: DNS 5 s, policy 10 s, SMTP 10 s)\n"
    "  --no-smtp           do not probe the MX hosts (what the browser observes, no more)\n"
    "  --smtp-port N       the MX hosts' port (default 25)\n"
    "  --helo NAME         the EHLO name of the probe (default: this machine's name)\n"
    "  --tlsa-cap N        MX hosts whose TLSA records are looked up (default 10, as the page)\n"
    "exit status: 0 every domain graded A+ or A; 1 some domain graded lower; 3 some domain got no grade\n"
    "             (3 wins over 1); 2 usage error; 130 interrupted (SIGINT)\n";

int usage_error(const std::string& why) {
  std::fprintf(stderr, "mtasts check: %s\n", why.c_str());
  std::fputs(check_usage, stderr);
  return 2;
}

std::atomic<bool> g_stop{false};

extern "C" void on_sigint(int) {
  if (g_stop.load()) _exit(130);  // a second ^C: at once
  g_stop.store(true);
}

bool parse_number(const std::string& s, long min, long max, long& out) {
  if (s.empty() || s.size() > 9) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  out = std::strtol(s.c_str(), nullptr, 10);
  return out >= min && out <= max;
}

// ---- the inputs: arguments, then --from, read one line at a time ----------------

class inputs {
 public:
  inputs(std::vector<std::string> args, std::FILE* from) : args_(std::move(args)), from_(from) {}
  /** The next domain to check, or nullopt at the end. Over-long lines are cut (the engine says why). */
  std::optional<std::string> next() {
    if (i_ < args_.size()) return args_[i_++];
    while (from_) {
      std::string line;
      bool any = false;
      int ch;
      while ((ch = std::fgetc(from_)) != EOF) {
        any = true;
        if (ch == '\n') break;
        if (line.size() < max_line) line.push_back(static_cast<char>(ch));
      }
      if (!any) {
        from_ = nullptr;
        break;
      }
      if (!line.empty() && line.back() == '\r') line.pop_back();
      const auto b = line.find_first_not_of(" \t");
      if (b == std::string::npos || line[b] == '#') continue;
      const auto e = line.find_last_not_of(" \t");
      return line.substr(b, e - b + 1);
    }
    return std::nullopt;
  }

 private:
  static constexpr std::size_t max_line = 1024;  // a domain is at most 253 characters; the rest is not read
  std::vector<std::string> args_;
  std::size_t i_ = 0;
  std::FILE* from_;
};

// ---- printing -----------------------------------------------------------------------------

/** 0 for A+ and A, 1 for a lower grade, 3 for no grade (the exit status of one domain). */
int status_of(const check::report& r) {
  if (!r.grade) return 3;
  return (*r.grade == check::grade::a_plus || *r.grade == check::grade::a) ? 0 : 1;
}

bool is_invalid_input(const check::report& r) {
  for (const auto& f : r.domain_findings)
    if (f.code == code::domain_invalid) return true;
  return false;
}

/** The check was cut short by the stop (Ctrl-C): check.aborted on the domain or on any check. */
bool was_stopped(const check::report& r) {
  for (const auto& f : r.domain_findings)
    if (f.code == code::check_aborted) return true;
  for (const auto& c : r.checks)
    for (const auto& f : c.findings)
      if (f.code == code::check_aborted) return true;
  return false;
}

std::string json_line(const check::report& r) {
  if (!is_invalid_input(r)) return check::to_json(r);
  // A line that is not a domain: the report says so, and "error" says it for a quick filter.
  nlohmann::json j = nlohmann::json::parse(check::to_json(r), nullptr, false);
  for (const auto& f : r.domain_findings)
    if (f.code == code::domain_invalid) {
      j["error"] = {{"code", std::string(code_name(f.code))}, {"message", f.message}};
      break;
    }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string grade_text(const check::report& r) {
  if (r.grade) return std::string(check::grade_name(*r.grade));
  if (r.grade_range)
    return std::string(check::grade_name(r.grade_range->first)) + ".." + std::string(check::grade_name(r.grade_range->second));
  return "no grade";
}

const char* status_colour(const colours& c, check::status s) {
  switch (s) {
    case check::status::pass: return c.green;
    case check::status::fail: return c.red;
    case check::status::warn: return c.yellow;
    default: return c.dim;
  }
}

void print_finding(const colours& c, const std::string& source, const std::string& check_id, const finding& f) {
  const auto sev = code_severity(f.code);
  const char* colour = sev == severity::error ? c.red : sev == severity::warning ? c.yellow : c.dim;
  std::printf("    %s%s%s: %s%s%s: %s [%s]\n", c.bold, printable(source).c_str(),
              check_id.empty() ? "" : (":" + check_id).c_str(), colour, std::string(severity_name(sev)).c_str(),
              c.reset, printable(f.message).c_str(), std::string(code_name(f.code)).c_str());
  const auto fix = code_fix(f.code);
  const auto rfc = code_rfc(f.code);
  std::printf("        %sfix: %s%s%s%s%s\n", c.dim, std::string(fix).c_str(), rfc.empty() ? "" : " (",
              std::string(rfc).c_str(), rfc.empty() ? "" : ")", c.reset);
}

void print_text(const colours& c, const check::report& r) {
  const std::string name = r.domain.empty() ? r.input : r.domain;
  const int st = status_of(r);
  const char* gc = st == 0 ? c.green : st == 1 ? c.red : c.yellow;
  // An internationalised domain in both forms, as the page shows it: its Unicode form, then the A-label form
  // DNS uses (and that the findings' lines below start with).
  const std::string heading = r.domain_unicode.empty() ? name : r.domain_unicode + " (" + name + ")";
  std::printf("%s%s%s: grade %s%s%s\n", c.bold, printable(heading).c_str(), c.reset, gc, grade_text(r).c_str(), c.reset);
  if (!r.grade_reason.empty()) std::printf("  %s\n", printable(r.grade_reason).c_str());
  if (r.cause)  // when failures cascade, the one broken layer first (docs/GRADING.md "The root cause")
    std::printf("  %sstart here:%s %s [%s%s%s]\n", c.bold, c.reset, printable(r.cause->headline).c_str(),
                std::string(code_name(r.cause->code)).c_str(), r.cause->check.empty() ? "" : " in ",
                r.cause->check.c_str());
  for (const auto& f : r.domain_findings) print_finding(c, name, "", f);
  for (const auto& ch : r.checks) {
    std::printf("  %s%-7s%s %s: %s\n", status_colour(c, ch.status), std::string(check::status_name(ch.status)).c_str(),
                c.reset, ch.title.c_str(), printable(ch.summary).c_str());
    for (const auto& f : ch.findings) print_finding(c, name, ch.id, f);
  }
  bool any_tls = false;
  for (const auto& h : r.mx) any_tls = any_tls || h.tls;
  if (any_tls) {
    std::printf("  MX hosts as a sender meets them:\n");
    for (const auto& h : r.mx) {
      if (!h.tls) continue;
      const auto& t = *h.tls;
      std::string line = "    " + std::to_string(h.preference) + " " + printable(h.host);
      if (!t.address.empty()) line += " [" + printable(t.address) + "]";
      line += " " + std::string(check::tls_result_name(t.result));
      if (!t.version.empty()) line += ", " + printable(t.version) + " " + printable(t.cipher);
      if (t.certificate) {
        const auto& names = t.certificate->dns_names;
        std::vector<std::string> shown(names.begin(), names.begin() + static_cast<long>(std::min<std::size_t>(names.size(), 4)));
        if (names.size() > 4) shown.push_back("and " + std::to_string(names.size() - 4) + " more");
        line += ", certificate for " + (names.empty() ? std::string("(no DNS name)") : printable(join(shown))) + " until " +
                printable(t.certificate->not_after) + ", issuer " + printable(t.certificate->issuer);
      }
      std::printf("%s\n", line.c_str());
    }
  }
  std::printf("\n");
}

// ---- the pool -----------------------------------------------------------------------------

struct shared {
  std::mutex read;  ///< taken to read the next input
  std::mutex m;     ///< everything below
  std::condition_variable cv;
  inputs* in = nullptr;
  bool exhausted = false;
  std::size_t handed = 0;       ///< inputs given to workers so far
  std::size_t printed = 0;      ///< reports printed (or skipped) so far, in order
  std::size_t window = 64;      ///< inputs in flight or waiting to be printed, at most
  std::map<std::size_t, check::report> done;
  std::size_t running = 0;
  std::size_t workers_alive = 0;
};

void work(shared& s, const host::config& cfg) {
  host::worker w(cfg);
  for (;;) {
    std::size_t index;
    std::string input;
    {
      // One reader at a time, and not under the lock the printer takes: a slow
      // standard input holds up the other readers, never the checks or the output.
      std::lock_guard<std::mutex> reading(s.read);
      {
        std::unique_lock<std::mutex> lock(s.m);
        s.cv.wait(lock, [&] { return g_stop.load() || s.exhausted || s.handed < s.printed + s.window; });
        if (g_stop.load() || s.exhausted) break;
      }
      auto next = s.in->next();
      std::lock_guard<std::mutex> lock(s.m);
      if (!next) {
        s.exhausted = true;
        s.cv.notify_all();
        break;
      }
      index = s.handed++;
      input = std::move(*next);
      ++s.running;
    }
    check::report r = w.run(input, g_stop);
    {
      std::lock_guard<std::mutex> lock(s.m);
      --s.running;
      s.done.emplace(index, std::move(r));
    }
    s.cv.notify_all();
  }
  std::lock_guard<std::mutex> lock(s.m);
  --s.workers_alive;
  s.cv.notify_all();
}

}  // namespace

int run_check(int argc, char** argv) {
  host::config cfg;
  bool json = false;
  long jobs = 16;
  std::string from;
  bool have_from = false;
  std::vector<std::string> domains;
  bool options_done = false;
  for (int i = 0; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 >= argc) return std::nullopt;
      return std::string(argv[++i]);
    };
    if (options_done || a.empty() || a[0] != '-' || a == "-") {
      domains.push_back(a);
      continue;
    }
    if (a == "--") {
      options_done = true;
    } else if (a == "--help" || a == "-h") {
      std::fputs(check_usage, stdout);
      return 0;
    } else if (a == "--json") {
      json = true;
    } else if (a == "--no-smtp") {
      cfg.starttls = false;
    } else if (a == "--jobs" || a == "--resolver" || a == "--dns" || a == "--ca-file" || a == "--connect-to" ||
               a == "--timeout-ms" || a == "--smtp-port" || a == "--helo" || a == "--from" || a == "--tlsa-cap") {
      auto v = value();
      if (!v) return usage_error(a + " needs a value");
      long n = 0;
      if (a == "--jobs") {
        if (!parse_number(*v, 1, 1024, n)) return usage_error("--jobs takes a whole number from 1 to 1024, not " + *v);
        jobs = n;
      } else if (a == "--timeout-ms") {
        if (!parse_number(*v, 1, 600000, n)) return usage_error("--timeout-ms takes 1 to 600000, not " + *v);
        cfg.timeout_ms = static_cast<double>(n);
      } else if (a == "--tlsa-cap") {
        if (!parse_number(*v, 0, static_cast<long>(limits::mx_hosts), n))
          return usage_error("--tlsa-cap takes 0 to " + std::to_string(limits::mx_hosts) + ", not " + *v);
        cfg.tlsa_cap = static_cast<std::size_t>(n);
      } else if (a == "--smtp-port") {
        if (!parse_number(*v, 1, 65535, n)) return usage_error("--smtp-port takes a port from 1 to 65535, not " + *v);
        cfg.smtp_port = static_cast<std::uint16_t>(n);
      } else if (a == "--resolver") {
        if (v->rfind("https://", 0) != 0) return usage_error("--resolver takes an https:// URL (RFC 8484), not " + *v);
        cfg.resolver = *v;
      } else if (a == "--dns") {
        if (v->empty()) return usage_error("--dns takes HOST[:PORT]");
        cfg.dns_server = *v;
      } else if (a == "--ca-file") {
        cfg.ca_file = *v;
      } else if (a == "--connect-to") {
        cfg.connect_to.push_back(*v);
      } else if (a == "--helo") {
        cfg.helo_name = *v;
      } else {
        from = *v;
        have_from = true;
      }
    } else {
      return usage_error("unknown option " + a);
    }
  }
  if (domains.empty() && !have_from) return usage_error("give a DOMAIN, or --from FILE (- for standard input)");

  std::FILE* from_file = nullptr;
  if (have_from) {
    from_file = from == "-" ? stdin : std::fopen(from.c_str(), "rb");
    if (!from_file) {
      std::fprintf(stderr, "mtasts check: cannot read %s: %s\n", from.c_str(), std::strerror(errno));
      return 2;
    }
  }
  std::string why;
  if (!host::init(cfg, why)) {
    std::fprintf(stderr, "mtasts check: %s\n", why.c_str());
    if (from_file && from_file != stdin) std::fclose(from_file);
    return 2;
  }

  struct sigaction sa {};
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);

  inputs in(std::move(domains), from_file);
  shared s;
  s.in = &in;
  s.window = static_cast<std::size_t>(jobs) * 4;
  const colours c = colours_for_stdout();
  const bool progress = isatty(STDERR_FILENO) != 0;
  const auto started = std::chrono::steady_clock::now();

  std::vector<std::thread> threads;
  s.workers_alive = static_cast<std::size_t>(jobs);
  for (long i = 0; i < jobs; ++i) threads.emplace_back(work, std::ref(s), std::cref(cfg));

  int exit_status = 0;
  std::size_t counts[4] = {0, 0, 0, 0};  // by status: 0, 1, (2 unused), 3
  bool write_failed = false;
  {
    std::unique_lock<std::mutex> lock(s.m);
    for (;;) {
      s.cv.wait_for(lock, std::chrono::milliseconds(100));
      // Print what is next in order.
      while (!s.done.empty() && s.done.begin()->first == s.printed) {
        check::report r = std::move(s.done.begin()->second);
        s.done.erase(s.done.begin());
        ++s.printed;
        lock.unlock();
        const bool stopped_here = g_stop.load() && was_stopped(r);
        if (!stopped_here && !write_failed) {
          const int st = status_of(r);
          exit_status = std::max(exit_status, st);
          ++counts[st];
          if (progress) std::fputs("\r\033[K", stderr);
          if (json) std::printf("%s\n", json_line(r).c_str());
          else print_text(c, r);
          if (std::fflush(stdout) != 0) write_failed = true;  // a closed pipe: stop printing, finish quietly
        }
        lock.lock();
        s.cv.notify_all();
      }
      if (progress) {
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        std::fprintf(stderr, "\r\033[K[%zu checked, %zu running, %.0f s]%s", s.printed, s.running, secs,
                     g_stop.load() ? " stopping..." : "");
        std::fflush(stderr);
      }
      if (s.workers_alive == 0) break;
      if (write_failed) g_stop.store(true);
    }
  }
  for (auto& t : threads) t.join();
  // After a stop, the reports that finished but waited behind an unfinished one.
  if (g_stop.load() && !write_failed) {
    for (auto& [index, r] : s.done) {
      if (was_stopped(r)) continue;
      exit_status = std::max(exit_status, status_of(r));
      ++counts[status_of(r)];
      if (json) std::printf("%s\n", json_line(r).c_str());
      else print_text(c, r);
    }
    std::fflush(stdout);
  }
  if (progress) std::fputs("\r\033[K", stderr);
  host::cleanup();
  if (from_file && from_file != stdin) std::fclose(from_file);
  const std::size_t total = counts[0] + counts[1] + counts[3];
  if (g_stop.load() && !write_failed) {
    std::fprintf(stderr, "mtasts check: interrupted; %zu domain%s checked and printed, the rest not\n", total,
                 total == 1 ? "" : "s");
    return 130;
  }
  if (!json && total > 1)
    std::fprintf(stderr, "%zu domains: %zu graded A+ or A, %zu lower, %zu without a grade\n", total, counts[0],
                 counts[1], counts[3]);
  return exit_status;
}

}  // namespace mtasts::cli
