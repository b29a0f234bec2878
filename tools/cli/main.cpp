/**
 * @file main.cpp
 * @brief The native CLI over the core (the host: it reads files and stdin).
 *
 *   mtasts lint policy FILE|-        [--json]
 *   mtasts lint sts TEXT [TEXT...]|- [--json]   (several TEXTs: the record's character-strings)
 *   mtasts lint tlsrpt TEXT [TEXT...]|- [--json]
 *
 * Exit status: 0 valid, 1 invalid, 2 usage or I/O error.
 */
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "mtasts/mtasts.h"
#include "mtasts/json.h"

namespace {

constexpr const char* usage_text =
    "usage: mtasts lint policy FILE|-            lint an MTA-STS policy file (RFC 8461 3.2)\n"
    "       mtasts lint sts TEXT [TEXT...]|-     lint an _mta-sts TXT record (RFC 8461 3.1);\n"
    "                                            several TEXTs are its character-strings\n"
    "       mtasts lint tlsrpt TEXT [TEXT...]|-  lint an _smtp._tls TXT record (RFC 8460 3)\n"
    "       mtasts --version | --help\n"
    "options: --json   print the JSON report (schema 1) instead of text\n"
    "exit status: 0 valid, 1 invalid, 2 usage or I/O error\n";

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

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args;
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--json") json = true;
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
  if (args.size() < 3 || args[0] != "lint") return usage(args.empty() ? nullptr : "expected: lint KIND INPUT");
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
