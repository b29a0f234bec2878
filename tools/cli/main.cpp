/**
 * @file main.cpp
 * @brief The native CLI over the core (the host: it reads files and stdin).
 *
 *   mtasts lint policy FILE|-        [--json]
 *   mtasts lint sts TEXT [TEXT...]|- [--json]   (several TEXTs: the record's character-strings)
 *   mtasts lint tlsrpt TEXT [TEXT...]|- [--json]
 *   mtasts report FILE... [--json]              (TLS-RPT reports: .json, .gz, .zip, .eml; - for stdin)
 *
 * lint exit status: 0 valid, 1 invalid, 2 usage or I/O error.
 * report exit status: 0 every file read, 1 some file could not be read, 2 usage error.
 *
 * `report` opens the containers with report_files.cpp (libarchive, GMime),
 * then hands the report texts to the core (mtasts::tlsrpt::summarize) and
 * prints the aggregate: as text for people (colour only on a terminal), or
 * the core's JSON (docs/REPORTS.md) with --json.
 */
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "mtasts/mtasts.h"
#include "mtasts/json.h"
#include "mtasts/report.h"
#include "check.h"
#include "report_files.h"
#include "terminal.h"

namespace {

using mtasts::cli::colours;
using mtasts::cli::colours_for_stdout;
using mtasts::cli::join;
using mtasts::cli::printable;

constexpr const char* usage_text =
    "usage: mtasts lint policy FILE|-            lint an MTA-STS policy file (RFC 8461 3.2)\n"
    "       mtasts lint sts TEXT [TEXT...]|-     lint an _mta-sts TXT record (RFC 8461 3.1);\n"
    "                                            several TEXTs are its character-strings\n"
    "       mtasts lint tlsrpt TEXT [TEXT...]|-  lint an _smtp._tls TXT record (RFC 8460 3)\n"
    "       mtasts report FILE...|-              summarize TLS-RPT reports (RFC 8460 4): .json,\n"
    "                                            .json.gz, .zip, the report e-mail (.eml)\n"
    "       mtasts check [options] DOMAIN...|--from FILE   the live check, with each MX host's STARTTLS\n"
    "                                            (mtasts check --help for its options)\n"
    "       mtasts --version | --help\n"
    "options: --json   print the JSON (schema 1) instead of text\n"
    "         --       the arguments after it are files, even when they start with -\n"
    "exit status: lint: 0 valid, 1 invalid, 2 usage or I/O error\n"
    "             report: 0 every file read, 1 some file could not be read, 2 usage error\n";

int usage(const char* why) {
  if (why) std::fprintf(stderr, "mtasts: %s\n", why);
  std::fputs(usage_text, stderr);
  return 2;
}

bool read_all(std::FILE* f, std::string& out) {
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  return !std::ferror(f);
}

bool read_input(const std::string& name, std::string& out) {
  if (name == "-") return read_all(stdin, out);
  std::FILE* f = std::fopen(name.c_str(), "rb");
  if (!f) return false;
  const bool ok = read_all(f, out);
  std::fclose(f);
  return ok;
}

/** The text of 1-based line `n` of `text` (LF, CRLF or CR end lines), without a leading BOM. */
std::string_view line_of(std::string_view text, std::uint32_t n) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::uint32_t cur = 1;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size() && cur < n; ++i) {
    if (text[i] == '\n' || text[i] == '\r') {
      if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      ++cur;
      start = i + 1;
    }
  }
  if (cur != n) return {};
  std::size_t end = text.find_first_of("\r\n", start);
  return text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
}

/** Prints the source line (control bytes shown as '?') and a caret under the column. */
void print_excerpt(std::string_view line, std::uint32_t column) {
  if (line.size() > 200) return;
  std::string shown, caret;
  std::uint32_t col = 1;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const auto u = static_cast<unsigned char>(line[i]);
    const bool lead = (u & 0xC0) != 0x80;
    if (u < 0x20 || u == 0x7f) shown += (u == '\t' ? ' ' : '?');
    else shown += line[i];
    if (lead) {
      if (col < column) caret += ' ';
      ++col;
    }
  }
  std::printf("    %s\n    %s^\n", shown.c_str(), caret.c_str());
}

template <class Result>
void print_findings(const char* source, std::string_view text, const Result& r, bool excerpts) {
  for (const auto& f : r.findings) {
    const auto sev = mtasts::severity_name(mtasts::code_severity(f.code));
    const auto name = mtasts::code_name(f.code);
    if (f.line)
      std::printf("%s:%u:%u: %.*s: %s [%.*s]\n", source, f.line, f.column, int(sev.size()), sev.data(),
                  f.message.c_str(), int(name.size()), name.data());
    else
      std::printf("%s: %.*s: %s [%.*s]\n", source, int(sev.size()), sev.data(), f.message.c_str(),
                  int(name.size()), name.data());
    if (f.line && excerpts) print_excerpt(line_of(text, f.line), f.column);
    const auto fix = mtasts::code_fix(f.code);
    const auto rfc = mtasts::code_rfc(f.code);
    std::printf("    fix: %.*s%s%.*s%s\n", int(fix.size()), fix.data(), rfc.empty() ? "" : " (", int(rfc.size()),
                rfc.data(), rfc.empty() ? "" : ")");
  }
}

template <class Result>
void print_counts(const Result& r) {
  int e = 0, w = 0, i = 0;
  for (const auto& f : r.findings) {
    switch (mtasts::code_severity(f.code)) {
      case mtasts::severity::error: ++e; break;
      case mtasts::severity::warning: ++w; break;
      case mtasts::severity::info: ++i; break;
    }
  }
  std::printf("%d error%s, %d warning%s, %d note%s\n", e, e == 1 ? "" : "s", w, w == 1 ? "" : "s", i,
              i == 1 ? "" : "s");
}


// ---- mtasts report ------------------------------------------------------------

std::string str(std::string_view v) { return std::string(v); }
std::string num(std::uint64_t n) { return std::to_string(n); }
std::string plural(std::uint64_t n, const char* one, const char* many) {
  return num(n) + " " + (n == 1 ? one : many);
}

/** Display width of UTF-8 text, in code points (good enough for names and hosts). */
std::size_t width(std::string_view s) {
  std::size_t w = 0;
  for (const char ch : s) w += (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
  return w;
}

/**
 * Prints an aligned table, indented by two spaces. `right[i]` right-aligns
 * column i (the numbers); the last column is never padded.
 */
void print_table(const colours& c, const std::vector<std::string>& head, const std::vector<std::vector<std::string>>& rows,
                 const std::vector<bool>& right) {
  std::vector<std::size_t> w(head.size(), 0);
  for (std::size_t i = 0; i < head.size(); ++i) w[i] = width(head[i]);
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.size() && i < w.size(); ++i) w[i] = std::max(w[i], width(r[i]));
  auto line = [&](const std::vector<std::string>& r, bool is_head) {
    std::string out = "  ";
    for (std::size_t i = 0; i < r.size(); ++i) {
      const std::size_t pad = w[i] - width(r[i]);
      const bool last = i + 1 == r.size();
      if (right[i]) out += std::string(pad, ' ') + r[i];
      else out += r[i] + (last ? "" : std::string(pad, ' '));
      if (!last) out += "  ";
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    if (is_head) std::printf("%s%s%s\n", c.dim, out.c_str(), c.reset);
    else std::printf("%s\n", out.c_str());
  };
  line(head, true);
  for (const auto& r : rows) line(r, false);
}

void heading(const colours& c, const std::string& title) { std::printf("\n%s%s%s\n", c.bold, title.c_str(), c.reset); }

/** "99.42%", never "100.00%" while a session failed, nor "0.00%" while one succeeded. */
std::string success_rate(const mtasts::tlsrpt::counts& t) {
  const std::uint64_t all = t.successful + t.failed;
  if (all == 0) return "no sessions";
  if (t.failed == 0) return "100%";
  if (t.successful == 0) return "0%";
  const double rate = 100.0 * static_cast<double>(t.successful) / static_cast<double>(all);
  char buf[32];
  if (rate > 99.99) return ">99.99%";
  if (rate < 0.01) return "<0.01%";
  std::snprintf(buf, sizeof buf, "%.2f%%", rate);
  return buf;
}

std::string type_counts(const std::vector<mtasts::tlsrpt::type_count>& types) {
  std::vector<std::string> parts;
  for (const auto& t : types) parts.push_back(printable(t.result_type) + " " + num(t.failed));
  return join(parts);
}

std::string finding_line(const colours& c, const std::string& source, const mtasts::finding& f) {
  const auto sev = mtasts::code_severity(f.code);
  const char* colour = sev == mtasts::severity::error ? c.red : sev == mtasts::severity::warning ? c.yellow : c.dim;
  std::string where = printable(source);
  if (f.line) where += ":" + std::to_string(f.line) + ":" + std::to_string(f.column);
  // A host's message names its file ("notes.txt: damaged gzip: ..."); the line already starts with it.
  std::string_view message = f.message;
  if (message.size() > source.size() + 2 && message.substr(0, source.size()) == source &&
      message.substr(source.size(), 2) == ": ")
    message.remove_prefix(source.size() + 2);
  return where + ": " + colour + str(mtasts::severity_name(sev)) + c.reset + ": " + printable(message) + " [" +
         str(mtasts::code_name(f.code)) + "]";
}

/** The tables: by day, by receiving MX host, by result type (meaning, cause, fix), by reporter, by policy. */
void print_breakdowns(const mtasts::tlsrpt::summary& s, const colours& c) {
  const auto& t = s.totals;
  // ---- by day
  if (!s.by_day.empty()) {
    heading(c, "By day (UTC date of each report's start)");
    std::vector<std::vector<std::string>> rows;
    for (const auto& d : s.by_day) rows.push_back({d.day, num(d.c.successful), num(d.c.failed), success_rate(d.c)});
    print_table(c, {"day", "successful", "failed", "success"}, rows, {false, true, true, true});
  }

  // ---- by receiving MX host
  heading(c, "Failed sessions by receiving MX host");
  if (s.by_mx.empty()) {
    std::printf("  no failed sessions reported%s\n", t.failed ? " in failure details" : "");
  } else {
    std::vector<std::vector<std::string>> rows;
    for (const auto& m : s.by_mx) rows.push_back({printable(m.mx), num(m.failed), type_counts(m.result_types)});
    print_table(c, {"MX host", "failed", "result types"}, rows, {false, true, false});
  }

  // ---- by result type, each with what it means and what to do
  heading(c, "Failures by result type");
  if (s.by_result_type.empty()) std::printf("  none\n");
  for (const auto& r : s.by_result_type) {
    std::string at = r.mx.empty() ? "" : " at " + printable(join(r.mx));
    if (r.info) {
      std::printf("  %s%s%s: %s%s (%.*s)\n", c.bold, printable(r.result_type).c_str(), c.reset,
                  plural(r.failed, "failed session", "failed sessions").c_str(), at.c_str(), int(r.info->rfc.size()),
                  r.info->rfc.data());
      std::printf("    meaning: %.*s\n", int(r.info->meaning.size()), r.info->meaning.data());
      std::printf("    cause:   %.*s\n", int(r.info->cause.size()), r.info->cause.data());
      std::printf("    fix:     %.*s\n", int(r.info->fix.size()), r.info->fix.data());
    } else {
      std::printf("  %s%s%s: %s%s\n", c.bold, printable(r.result_type).c_str(), c.reset,
                  plural(r.failed, "failed session", "failed sessions").c_str(), at.c_str());
      std::printf("    not a result type RFC 8460 defines: read the reports' additional-information and "
                  "failure-reason-code\n");
    }
  }

  // ---- by reporter
  heading(c, "By reporter");
  if (s.by_organization.empty()) {
    std::printf("  none\n");
  } else {
    std::vector<std::vector<std::string>> rows;
    for (const auto& o : s.by_organization)
      rows.push_back({printable(o.organization_name.empty() ? "(no organization-name)" : o.organization_name),
                      num(o.reports), num(o.c.successful), num(o.c.failed), success_rate(o.c),
                      printable(o.contact_info)});
    print_table(c, {"reporter", "reports", "successful", "failed", "success", "contact"}, rows,
                {false, true, true, true, true, false});
  }

  // ---- by policy
  heading(c, "By policy (as the senders applied it)");
  if (s.by_policy.empty()) std::printf("  none\n");
  for (const auto& p : s.by_policy) {
    std::string what = printable(p.policy_type.empty() ? "(no policy-type)" : p.policy_type);
    what += " " + printable(p.policy_domain.empty() ? "(no policy-domain)" : p.policy_domain);
    std::vector<std::string> said;
    if (!p.mode.empty()) said.push_back("mode " + printable(p.mode));
    if (p.max_age) said.push_back("max_age " + num(*p.max_age));
    if (!p.mx.empty()) said.push_back("mx " + printable(join(p.mx)));
    if (p.policy_type == "sts" && p.policy_string.empty()) said.push_back("no policy-string given");
    else if (p.policy_type == "sts" && p.mode.empty()) said.push_back("the policy-string does not read as a policy");
    std::printf("  %s%s%s%s\n", c.bold, what.c_str(), c.reset, said.empty() ? "" : (": " + join(said)).c_str());
    std::string days = p.first_day.empty() ? "" : ", " + (p.first_day == p.last_day ? p.first_day : p.first_day + " to " + p.last_day);
    std::printf("    %s successful, %s failed (%s) in %s%s, from %s\n", num(p.c.successful).c_str(),
                num(p.c.failed).c_str(), success_rate(p.c).c_str(), plural(p.reports, "report", "reports").c_str(),
                days.c_str(), printable(join(p.organizations)).c_str());
  }

}

void print_summary_text(const mtasts::tlsrpt::summary& s, const colours& c) {
  using st = mtasts::tlsrpt::file_state;
  const auto& t = s.totals;

  // ---- the totals
  std::printf("%sTLS-RPT reports%s\n", c.bold, c.reset);
  std::vector<std::string> orgs;
  for (const auto& o : s.by_organization) orgs.push_back(printable(o.organization_name.empty() ? "(no organization-name)" : o.organization_name));
  std::string reports = plural(s.reports, "report", "reports") + " counted";
  if (s.duplicates) reports += ", " + plural(s.duplicates, "duplicate", "duplicates") + " counted once";
  std::size_t unread = 0;
  for (const auto& f : s.files) unread += f.status == st::unreadable || f.status == st::error;
  if (unread) reports += std::string(", ") + c.red + plural(unread, "file", "files") + " not read" + c.reset;
  std::printf("  reports    %s\n", reports.c_str());
  std::printf("  reporters  %s\n", orgs.empty() ? "none" : (num(orgs.size()) + ": " + join(orgs)).c_str());
  if (s.period_start && s.period_end)
    std::printf("  period     %s to %s\n", mtasts::tlsrpt::format_utc(*s.period_start).c_str(),
                mtasts::tlsrpt::format_utc(*s.period_end).c_str());
  else
    std::printf("  period     unknown (no date-range could be read)\n");
  std::printf("  sessions   %s: %s successful, %s%s failed%s\n", num(t.successful + t.failed).c_str(),
              num(t.successful).c_str(), t.failed ? c.red : "", num(t.failed).c_str(), t.failed ? c.reset : "");
  const char* rate_colour = t.failed == 0 && t.successful ? c.green : t.failed ? c.yellow : "";
  std::printf("  success    %s%s%s\n", rate_colour, success_rate(t).c_str(), *rate_colour ? c.reset : "");

  // With no report counted there is nothing to break down: only what went wrong follows.
  if (s.reports > 0) print_breakdowns(s, c);

  // ---- duplicates
  if (s.duplicates) {
    heading(c, "Duplicates (counted once)");
    for (const auto& f : s.files) {
      if (f.status != st::duplicate) continue;
      std::printf("  %s: report-id %s from %s, counted from %s\n", printable(f.source).c_str(),
                  printable(f.report_id).c_str(), printable(f.organization_name).c_str(),
                  printable(f.duplicate_of).c_str());
    }
  }

  // ---- files that could not be read: the first error of each
  if (unread) {
    heading(c, "Files that could not be read (" + num(unread) + ")");
    for (const auto& f : s.files) {
      if (f.status != st::unreadable && f.status != st::error) continue;
      const auto e = std::find_if(f.findings.begin(), f.findings.end(), [](const mtasts::finding& x) {
        return mtasts::code_severity(x.code) == mtasts::severity::error;
      });
      if (e != f.findings.end()) std::printf("  %s\n", finding_line(c, f.source, *e).c_str());
      else std::printf("  %s: could not be read\n", printable(f.source).c_str());
    }
  }

  // ---- every other error and warning, compiler-style; notes counted
  std::vector<std::string> lines;
  std::size_t notes = 0;
  for (const auto& f : s.files) {
    if (f.status == st::error) continue;  // its one finding is listed above
    bool first_error_shown = f.status != st::unreadable;
    for (const auto& x : f.findings) {
      const auto sev = mtasts::code_severity(x.code);
      if (sev == mtasts::severity::error && !first_error_shown) {
        first_error_shown = true;  // listed above
        continue;
      }
      if (sev == mtasts::severity::info) {
        ++notes;
        continue;
      }
      lines.push_back(finding_line(c, f.source, x));
    }
  }
  if (!lines.empty() || notes) {
    heading(c, "Findings in the reports");
    for (const auto& l : lines) std::printf("  %s\n", l.c_str());
    if (notes)
      std::printf("  %s%s not shown (--json lists every finding)%s\n", c.dim, plural(notes, "note", "notes").c_str(),
                  c.reset);
  }
}

int run_report(const std::vector<std::string>& files, bool json) {
  std::vector<mtasts::tlsrpt::input> inputs;
  for (const auto& path : files) {
    auto found = mtasts::cli::load_report_file(path);
    for (auto& in : found) inputs.push_back(std::move(in));
  }
  const auto s = mtasts::tlsrpt::summarize(inputs);
  inputs.clear();
  inputs.shrink_to_fit();
  if (json) std::puts(mtasts::tlsrpt::to_json(s).c_str());
  else print_summary_text(s, colours_for_stdout());
  using st = mtasts::tlsrpt::file_state;
  const bool all_read = std::none_of(s.files.begin(), s.files.end(),
                                     [](const auto& f) { return f.status == st::unreadable || f.status == st::error; });
  return all_read ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args;
  if (argc >= 2 && std::strcmp(argv[1], "check") == 0) return mtasts::cli::run_check(argc - 2, argv + 2);
  bool json = false;
  bool options_done = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (options_done) args.push_back(a);
    else if (a == "--") options_done = true;
    else if (a == "--json") json = true;
    else if (a == "--help" || a == "-h") {
      std::fputs(usage_text, stdout);
      return 0;
    } else if (a == "--version") {
      std::printf("mtasts %s\n", mtasts::version());
      return 0;
    } else if (a.size() > 2 && a.rfind("--", 0) == 0) {
      return usage(("unknown option " + a).c_str());
    } else {
      args.push_back(a);
    }
  }
  if (!args.empty() && args[0] == "report") {
    if (args.size() < 2) return usage("report takes one FILE or more (- for standard input)");
    return run_report(std::vector<std::string>(args.begin() + 1, args.end()), json);
  }
  if (args.size() < 3 || args[0] != "lint") return usage(args.empty() ? nullptr : "expected: lint KIND INPUT, or report FILE...");
  const std::string& kind = args[1];
  if (kind != "policy" && kind != "sts" && kind != "tlsrpt") return usage(("unknown kind " + kind).c_str());

  if (kind == "policy") {
    if (args.size() != 3) return usage("lint policy takes one FILE (or - for standard input)");
    std::string body;
    if (!read_input(args[2], body)) {
      std::fprintf(stderr, "mtasts: cannot read %s: %s\n", args[2].c_str(), std::strerror(errno));
      return 2;
    }
    const auto r = mtasts::lint_policy(body);
    if (json) {
      std::puts(mtasts::to_json(r).c_str());
    } else {
      const char* src = args[2] == "-" ? "<stdin>" : args[2].c_str();
      print_findings(src, body, r, true);
      if (r.valid) {
        const auto& p = *r.policy;
        std::printf("%s: valid: a conforming sender would use this policy: mode %.*s, %zu mx pattern%s, max_age %llu\n",
                    src, int(mtasts::mode_name(p.mode).size()), mtasts::mode_name(p.mode).data(), p.mx.size(),
                    p.mx.size() == 1 ? "" : "s", static_cast<unsigned long long>(p.max_age));
      } else {
        std::printf("%s: invalid: a conforming sender would not use this policy\n", src);
      }
      print_counts(r);
    }
    return r.valid ? 0 : 1;
  }

  std::vector<std::string> strings(args.begin() + 2, args.end());
  if (strings.size() == 1 && strings[0] == "-") {
    std::string in;
    if (!read_input("-", in)) {
      std::fprintf(stderr, "mtasts: cannot read standard input\n");
      return 2;
    }
    while (!in.empty() && (in.back() == '\n' || in.back() == '\r')) in.pop_back();
    strings = {in};
  }
  const std::string joined = [&] {
    std::string j;
    for (auto& s : strings) j += s;
    return j;
  }();
  const char* src = kind == "sts" ? "_mta-sts" : "_smtp._tls";
  if (kind == "sts") {
    const auto r = strings.size() == 1 ? mtasts::lint_sts_record(strings[0]) : mtasts::lint_sts_record(strings);
    if (json) {
      std::puts(mtasts::to_json(r).c_str());
    } else {
      print_findings(src, joined, r, true);
      if (r.valid) std::printf("%s: valid: id %s\n", src, r.record->id.c_str());
      else std::printf("%s: invalid: senders would treat the domain as having no MTA-STS record\n", src);
      print_counts(r);
    }
    return r.valid ? 0 : 1;
  }
  const auto r = strings.size() == 1 ? mtasts::lint_tlsrpt_record(strings[0]) : mtasts::lint_tlsrpt_record(strings);
  if (json) {
    std::puts(mtasts::to_json(r).c_str());
  } else {
    print_findings(src, joined, r, true);
    if (r.valid) {
      std::printf("%s: valid: reports go to", src);
      for (auto& u : r.record->rua) std::printf(" %s", u.c_str());
      std::printf("\n");
    } else {
      std::printf("%s: invalid: reporters would treat the domain as having no TLS-RPT record\n", src);
    }
    print_counts(r);
  }
  return r.valid ? 0 : 1;
}
