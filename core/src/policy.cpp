/**
 * @file policy.cpp
 * @brief The MTA-STS policy body, RFC 8461 §3.2.
 *
 * Theory of operation. The body is cut into lines at LF, CRLF or a lone CR
 * (the last is an error, but cutting there gives better diagnostics than
 * gluing two fields together). Each line that is not blank is read as
 * `key ":" *WSP value *WSP`, the way a lenient sender would, and every place
 * where it departs from the ABNF is reported:
 *
 *   sts-policy-record = sts-policy-field *WSP
 *                       *(sts-policy-term sts-policy-field *WSP)
 *                       [sts-policy-term]
 *   sts-policy-field-delim = ":" *WSP
 *   sts-policy-term = LF / CRLF
 *
 * Known keys are matched case-sensitively (%s"version", %s"mode",
 * %s"max_age", %s"mx"). "If a field that is not repeatable is present more
 * than once, only the first occurrence is considered" (§3.2 text), so the
 * first version/mode/max_age wins; every mx line adds a pattern. Unknown
 * fields are ignored (§3.2: "parsers MUST accept ... and MUST ignore").
 * After the lines, the required fields are checked and the advice of
 * §8.3 and §10.2 is given.
 *
 * Severity follows what real senders do (docs/SENDERS.md): a deviation that
 * at least one widely deployed sender does not survive is an error, and each
 * such message names the senders that reject and those that are lenient
 * (the row of docs/SENDERS.md is cited where the finding is raised). A body
 * that is not plain text at all (UTF-16, RTF, an HTML page) gets one
 * diagnosis, policy.not_text, and nothing else: its lines mean nothing.
 */
#include <deque>
#include <optional>
#include <algorithm>
#include <unordered_set>

#include "hostname.h"
#include "mtasts/policy.h"
#include "text.h"

namespace mtasts {

std::string_view mode_name(policy_mode m) noexcept {
  switch (m) {
    case policy_mode::enforce: return "enforce";
    case policy_mode::testing: return "testing";
    case policy_mode::none: return "none";
  }
  return "none";
}

namespace {

using namespace detail;

enum class ending : std::uint8_t { none, lf, crlf, cr };

struct line_view {
  std::string_view text;  // without its ending (and without a BOM on line 1)
  std::uint32_t number = 0;
  ending end = ending::none;
  bool cr_in_value = false;  // ends with a lone CR inside an extension value (split_lines)
  bool continues = false;    // the rest of an extension value after such a CR
};

constexpr std::string_view bom = "\xEF\xBB\xBF";

bool blank(std::string_view s) noexcept {
  for (char c : s)
    if (!is_wsp(c)) return false;
  return true;
}

/** sts-policy-ext-name = alphanum *31(alphanum / "_" / "-" / ".") */
bool valid_ext_name(std::string_view k) noexcept {
  if (k.empty() || k.size() > 32 || !is_alnum(k[0])) return false;
  for (char c : k.substr(1))
    if (!(is_alnum(c) || c == '_' || c == '-' || c == '.')) return false;
  return true;
}

/** Levenshtein distance, capped: enough to spot `nmx`, `mdoe`, `verison`. */
std::size_t distance(std::string_view a, std::string_view b) {
  if (a.size() > 32 || b.size() > 32) return 99;
  std::size_t d[33][33];
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t sub = d[i - 1][j - 1] + (ascii_lower(a[i - 1]) == ascii_lower(b[j - 1]) ? 0 : 1);
      std::size_t del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
      std::size_t best = sub < del ? sub : del;
      best = best < ins ? best : ins;
      // transposition ("mdoe")
      if (i > 1 && j > 1 && ascii_lower(a[i - 1]) == ascii_lower(b[j - 2]) &&
          ascii_lower(a[i - 2]) == ascii_lower(b[j - 1]) && d[i - 2][j - 2] + 1 < best)
        best = d[i - 2][j - 2] + 1;
      d[i][j] = best;
    }
  return d[a.size()][b.size()];
}

constexpr std::string_view known_keys[] = {"version", "mode", "max_age", "mx"};

/** The known key this one was probably meant to be, or "". */
std::string_view typo_of(std::string_view key) {
  std::string squashed;
  for (char c : key)
    if (c != '-' && c != '_' && c != '.' && c != ' ') squashed += ascii_lower(c);
  for (auto k : known_keys) {
    std::string ks;
    for (char c : k)
      if (c != '_') ks += c;
    if (squashed == ks) return k;
  }
  // "max", "maxage_seconds", "max-age-secs": a max_age meant, not mx (one edit from "max").
  if (key.size() >= 3 && iequals(key.substr(0, 3), "max")) return "max_age";
  if (iequals(key, "ttl")) return "max_age";
  for (auto k : known_keys) {
    const std::size_t limit = k.size() <= 2 ? 1 : (k.size() <= 4 ? 1 : 2);
    if (key.size() >= 2 && distance(key, k) <= limit) return k;
  }
  return {};
}

/** ASCII case-insensitive find of `needle` in `hay` from `from`; npos if absent. */
std::size_t ifind(std::string_view hay, std::string_view needle, std::size_t from = 0) {
  if (needle.empty() || hay.size() < needle.size()) return std::string_view::npos;
  for (std::size_t i = from; i + needle.size() <= hay.size(); ++i)
    if (iequals(hay.substr(i, needle.size()), needle)) return i;
  return std::string_view::npos;
}

/**
 * D16 of docs/SENDERS.md: what a body that is not a plain-text policy is, or
 * "" when it is text. UTF-16 (a byte order mark FF FE / FE FF, or a NUL in
 * every other byte), an RTF document, or an HTML page.
 */
std::string not_text(std::string_view body) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(body[i]); };
  constexpr std::string_view save_as_text =
      "; every sender we know rejects it. Save the file as UTF-8 or plain ASCII (Windows PowerShell 5's `>` and "
      "Out-File write UTF-16: use `Set-Content -Encoding ascii`; in Notepad, Save As with Encoding UTF-8)";
  if (body.size() >= 2 && ((byte(0) == 0xFF && byte(1) == 0xFE) || (byte(0) == 0xFE && byte(1) == 0xFF)))
    return std::string("the policy is UTF-16 text (it starts with the byte order mark ") +
           (byte(0) == 0xFF ? "FF FE, little-endian" : "FE FF, big-endian") +
           "), not ASCII or UTF-8: each character takes two bytes, so senders find no `key: value` line at all" +
           std::string(save_as_text);
  // UTF-16 without a byte order mark: mostly-ASCII text has a NUL in every other byte.
  const std::size_t sample = std::min<std::size_t>(body.size(), 512) & ~std::size_t{1};
  if (sample >= 8) {
    std::size_t zero_even = 0, zero_odd = 0;
    for (std::size_t i = 0; i < sample; ++i) (i % 2 ? zero_odd : zero_even) += byte(i) == 0;
    const std::size_t pairs = sample / 2;
    if ((zero_odd * 4 >= pairs * 3 && zero_even == 0) || (zero_even * 4 >= pairs * 3 && zero_odd == 0))
      return std::string("the policy is UTF-16 text without a byte order mark (") +
             (zero_odd ? "little-endian" : "big-endian") +
             ": a NUL byte next to every character), not ASCII or UTF-8, so senders find no `key: value` line "
             "at all" +
             std::string(save_as_text);
  }
  std::string_view t = body;
  if (t.substr(0, 3) == bom) t.remove_prefix(3);
  while (!t.empty() && (is_wsp(t.front()) || t.front() == '\r' || t.front() == '\n')) t.remove_prefix(1);
  if (t.substr(0, 5) == "{\\rtf")
    return "the file is an RTF document (it starts with \"{\\rtf\"), rich text as WordPad or TextEdit save it, "
           "not plain text: senders read its formatting codes as lines and every sender we know rejects it. Save "
           "it as plain text (TextEdit: Format > Make Plain Text; WordPad: Save as Plain text document), or write "
           "it in a code editor";
  if (istarts_with(t, "<!doctype html") || istarts_with(t, "<html")) {
    std::string what = "the body is an HTML page (it starts with " + quote(t.substr(0, t.find_first_of("\r\n")), 30);
    const std::size_t open = ifind(t, "<title");
    const std::size_t gt = open == std::string_view::npos ? open : t.find('>', open);
    const std::size_t close = gt == std::string_view::npos ? gt : ifind(t, "</title", gt);
    if (close != std::string_view::npos) {
      std::string_view title = t.substr(gt + 1, close - gt - 1);
      while (!title.empty() && (is_wsp(title.front()) || title.front() == '\r' || title.front() == '\n'))
        title.remove_prefix(1);
      while (!title.empty() && (is_wsp(title.back()) || title.back() == '\r' || title.back() == '\n'))
        title.remove_suffix(1);
      if (!title.empty()) what += ", titled " + quote(title, 40);
    }
    return what + "), not the policy: the URL serves a web page (an error page, a login page or a site's "
                  "catch-all route) and every sender we know rejects it. Serve the policy file itself at "
                  "/.well-known/mta-sts.txt, as text/plain";
  }
  return {};
}

struct seen_field {
  bool present = false;
  std::string_view raw;  // first occurrence's value
  std::uint32_t line = 0;
  bool ok = false;
};

class policy_linter {
 public:
  explicit policy_linter(std::string_view body) : full_size_(body.size()), body_(within_limit(body)) {}

  /**
   * What is linted of a body over 64 KB: its first 65,536 bytes, where
   * senders stop reading, so the rest cannot matter and a 10 MB paste costs
   * no more than 64 KB (linted whole, it took seconds in wasm). The cut never
   * splits a UTF-8 sequence or a CRLF, so it invents no finding of its own.
   */
  static std::string_view within_limit(std::string_view body) {
    if (body.size() <= limits::policy_max_bytes) return body;
    std::size_t cut = limits::policy_max_bytes;
    for (int back = 0; back < 3 && cut > 0 && (static_cast<unsigned char>(body[cut]) & 0xC0) == 0x80; ++back) --cut;
    if (cut > 0 && body[cut - 1] == '\r' && body[cut] == '\n') --cut;
    return body.substr(0, cut);
  }

  policy_result run() {
    policy_result r;
    if (std::string what = not_text(body_); !what.empty()) {
      // One diagnosis: line by line, such a body gives dozens of findings that all mean this.
      sink_.add(code::policy_not_text, std::move(what), 1, 1);
      r.findings = sink_.take();
      return r;
    }
    if (blank_body()) {
      sink_.add(code::policy_empty,
                body_.empty() ? std::string("the policy is empty")
                : full_size_ > body_.size()
                    ? "the first " + std::to_string(body_.size()) + " bytes of the policy (of " +
                          std::to_string(full_size_) + ") hold only whitespace"
                    : "the policy holds only whitespace (" + plural(body_.size(), "byte", "bytes") + ")");
      check_size();
      r.findings = sink_.take();
      return r;
    }
    check_size();
    split_lines();
    check_endings();
    check_blank_lines();
    for (const auto& l : lines_)
      if (!blank(l.text) && !l.continues) {
        ++field_lines_;
        lint_line(l);
      }
    report_indentation();
    finish_mx();
    check_required();
    give_advice();
    r.valid = sink_.valid();
    r.findings = sink_.take();
    if (r.valid) {
      r.policy = std::move(policy_);
    } else if (a_labelled_ > 0) {
      // Every code raised is listed at least once (finding_sink), so this sees every kind of error.
      bool only_u_labels = true;
      for (const auto& f : r.findings)
        if (code_severity(f.code) == severity::error && f.code != code::policy_mx_u_label) only_u_labels = false;
      std::size_t u_labels = 0;
      for (const auto& f : r.findings) u_labels += f.code == code::policy_mx_u_label ? 1 : 0;
      if (only_u_labels && u_labels == a_labelled_) r.a_label_policy = std::move(policy_);
    }
    return r;
  }

 private:
  bool blank_body() const noexcept {
    std::string_view b = body_;
    if (b.substr(0, 3) == bom) b.remove_prefix(3);
    for (char c : b)
      if (!(is_wsp(c) || c == '\r' || c == '\n')) return false;
    return true;
  }

  void check_size() {
    // D15a of docs/SENDERS.md.
    if (full_size_ > limits::policy_max_bytes)
      sink_.add(code::policy_size_too_large,
                "the policy is " + std::to_string(full_size_) +
                    " bytes; RFC 8461 allows 64 KB, and postfix-mta-sts-resolver, mox and postfix-tlspol reject a "
                    "policy over 65,536 bytes (chasquid reads only the first 10,240); only its first " +
                    std::to_string(body_.size()) + " bytes were checked");
    else if (full_size_ > limits::policy_large_bytes)
      sink_.add(code::policy_size_large,
                "the policy is " + std::to_string(full_size_) +
                    " bytes, over 64,000: no sender we know rejects it below 65,536 bytes, but the Mimecast library "
                    "reads only about the first 64,000 and chasquid only the first 10,240, and they lose what comes "
                    "after");
  }

  void split_lines() {
    std::string_view rest = body_;
    std::size_t newlines = 0;
    for (char c : body_) newlines += (c == '\n');
    lines_.reserve(newlines + 1);
    if (rest.substr(0, 3) == bom) {
      // D2 of docs/SENDERS.md.
      sink_.add(code::policy_bom,
                "the file starts with a UTF-8 byte order mark (EF BB BF), which the grammar does not allow: "
                "go-mtasts (maddy), postfix-mta-sts-resolver, mox, postfix-tlspol, chasquid and (probably) KumoMTA "
                "read the first key as \"\\uFEFF" + first_key_after_bom() + "\" and reject the policy; Stalwart and "
                "mailauth ignore the mark",
                1, 1);
      rest.remove_prefix(3);
    }
    std::uint32_t number = 1;
    bool in_value = false;  // the line before ended with a lone CR inside an extension value
    while (true) {
      std::size_t nl = 0;  // a plain loop: find_first_of costs a memchr per byte
      while (nl < rest.size() && rest[nl] != '\n' && rest[nl] != '\r') ++nl;
      if (nl == rest.size()) nl = std::string_view::npos;
      line_view l;
      l.number = number;
      l.continues = in_value;
      if (nl == std::string_view::npos) {
        l.text = rest;
        l.end = ending::none;
        if (!rest.empty()) lines_.push_back(l);
        break;
      }
      l.text = rest.substr(0, nl);
      if (rest[nl] == '\n') {
        l.end = ending::lf;
        rest.remove_prefix(nl + 1);
      } else if (nl + 1 < rest.size() && rest[nl + 1] == '\n') {
        l.end = ending::crlf;
        rest.remove_prefix(nl + 2);
      } else {
        l.end = ending::cr;
        l.cr_in_value = (l.continues || extension_line(l.text)) && continues_value(rest, nl);
        if (!l.cr_in_value)
          sink_.add(code::policy_line_bare_cr,
                    "line " + std::to_string(number) +
                        " ends with a lone CR (0x0D); the grammar allows only LF or CRLF, so senders "
                        "read this line and the next as one",
                    number, column_at(l.text, l.text.size()));
        rest.remove_prefix(nl + 1);
      }
      in_value = l.end == ending::cr && l.cr_in_value;
      lines_.push_back(l);
      ++number;
    }
  }

  /*
   * A lone CR inside an extension value (`note: a<CR>b`) rather than at the
   * end of a line: the line is an extension field and the text after the CR,
   * up to the next line ending, is not a field (it holds no colon). Senders
   * that end lines at LF only (all but postfix-mta-sts-resolver and the
   * Mimecast library) read it as a control character in the value, and it is
   * reported as one (policy.extension.value_invalid, like NUL, DEL or TAB).
   * The CR still ends a line for the positions (finding.h); the text after it
   * is the value's continuation, not linted as a line of its own.
   */

  /** `head` (a line up to a CR) is `ext-name ":" value` with a non-blank value. */
  static bool extension_line(std::string_view head) {
    const std::size_t colon = head.find(':');
    if (colon == std::string_view::npos) return false;
    std::string_view key = head.substr(0, colon);
    while (!key.empty() && is_wsp(key.front())) key.remove_prefix(1);
    while (!key.empty() && is_wsp(key.back())) key.remove_suffix(1);
    if (!valid_ext_name(key) || blank(head.substr(colon + 1))) return false;
    for (auto k : known_keys)
      if (key == k) return false;
    return true;
  }

  /** The text after the CR at rest[cr], up to the next line ending, continues a value: not blank, no colon. */
  static bool continues_value(std::string_view rest, std::size_t cr) {
    std::size_t end = cr + 1;
    while (end < rest.size() && rest[end] != '\n' && rest[end] != '\r') ++end;
    const std::string_view tail = rest.substr(cr + 1, end - cr - 1);
    return !blank(tail) && tail.find(':') == std::string_view::npos;
  }

  std::string first_key_after_bom() const {
    std::string_view b = body_.substr(3);
    const std::size_t end = b.find_first_of(":\r\n");
    std::string_view k = b.substr(0, end == std::string_view::npos ? b.size() : end);
    if (k.size() > 20) k = k.substr(0, 20);
    std::string out;
    for (char c : k)
      if (static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f && c != '"' &&
          c != '\\')
        out += c;
    return out;
  }

  void check_endings() {
    ending first = ending::none;
    for (const auto& l : lines_) {
      if (l.end != ending::lf && l.end != ending::crlf) continue;
      if (first == ending::none) {
        first = l.end;
        continue;
      }
      if (l.end != first) {
        sink_.add(code::policy_line_mixed_endings,
                  std::string("line ") + std::to_string(l.number) + " ends with " +
                      (l.end == ending::lf ? "LF" : "CRLF") + " while earlier lines end with " +
                      (first == ending::lf ? "LF" : "CRLF") + "; both are allowed, mixing them is untidy",
                  l.number, column_at(l.text, l.text.size()));
        return;
      }
    }
  }

  void check_blank_lines() {
    // The last line that holds something; blank lines after it are trailing.
    std::size_t last = lines_.size();
    for (std::size_t i = lines_.size(); i-- > 0;)
      if (!blank(lines_[i].text)) {
        last = i;
        break;
      }
    std::size_t fields_after = 0;
    for (std::size_t i = lines_.size(); i-- > 0;) {
      const auto& l = lines_[i];
      if (!blank(l.text)) {
        ++fields_after;
        continue;
      }
      if (i > last) continue;  // reported once below
      // D5 of docs/SENDERS.md (KumoMTA: footnote 8).
      sink_.add(code::policy_line_blank,
                "line " + std::to_string(l.number) + " is " +
                    (l.text.empty() ? std::string("empty") : std::string("only whitespace")) +
                    ", and the grammar has no blank lines (" + plural(fields_after, "field line", "field lines") +
                    " follow it): go-mtasts (maddy), mox and postfix-tlspol (1.11 and later) " +
                    (l.text.empty() ? "reject the policy; postfix-mta-sts-resolver, Stalwart, chasquid, mailauth "
                                      "and KumoMTA skip the line"
                                    : "reject the policy, and so does KumoMTA for a line of spaces; "
                                      "postfix-mta-sts-resolver, Stalwart, chasquid and mailauth skip it"),
                l.number, 1);
    }
    // Trailing: every blank line after `last` is an extra line ending.
    std::size_t extra = 0;
    const line_view* first_extra = nullptr;
    for (std::size_t i = last + 1; i < lines_.size(); ++i) {
      ++extra;
      if (!first_extra) first_extra = &lines_[i];
    }
    if (first_extra) {
      // D3/D4 of docs/SENDERS.md (KumoMTA: footnote 8).
      bool spaces = false;
      for (std::size_t i = last + 1; i < lines_.size(); ++i) spaces = spaces || !lines_[i].text.empty();
      sink_.add(code::policy_line_trailing_blank,
                "the policy ends with " + plural(extra, "blank line", "blank lines") +
                    " after the last field, and the grammar allows only one final line ending: go-mtasts "
                    "(maddy), mox and postfix-tlspol (1.11 and later) reject the policy" +
                    (spaces ? ", and so does KumoMTA for a line of spaces; postfix-mta-sts-resolver, Stalwart, "
                              "chasquid and mailauth ignore it"
                            : "; postfix-mta-sts-resolver, Stalwart, chasquid, mailauth and KumoMTA ignore it"),
                first_extra->number, 1);
    }
  }

  void lint_line(const line_view& l) {
    const std::string_view t = l.text;
    const std::uint32_t n = l.number;
    bool ascii = true;
    auto col = [&](std::size_t off) {
      return ascii ? static_cast<std::uint32_t>(off + 1) : column_at(l.text, off);
    };

    // Characters: control characters (other than HTAB) and invalid UTF-8.
    // A tight pre-scan first: most lines are plain printable ASCII. A control
    // character is reported once the line is read: inside an extension value
    // it is that value's problem (policy.extension.value_invalid).
    std::size_t ctl_at = std::string_view::npos;
    bool special = false;
    for (char c : t) {
      const auto u = static_cast<unsigned char>(c);
      if (u >= 0x80) ascii = false;
      if (u >= 0x80 || (u < 0x20 && u != '\t') || u == 0x7f) special = true;
    }
    for (std::size_t i = 0; special && i < t.size();) {
      const std::size_t len = utf8_sequence_length(t, i);
      if (len == 0) {
        sink_.add(code::policy_utf8_invalid,
                  "line " + std::to_string(n) + " has a byte that is not UTF-8 at column " +
                      std::to_string(col(i)) + ": " + quote(t.substr(i, 1)),
                  n, col(i));
        break;
      }
      if (len == 1 && is_ctl(t[i]) && t[i] != '\t') {
        ctl_at = i;
        break;
      }
      i += len;
    }
    if (ctl_at == std::string_view::npos && l.cr_in_value) ctl_at = t.size();  // the CR after the text
    auto report_control = [&] {
      if (ctl_at == std::string_view::npos) return;
      sink_.add(code::policy_line_control,
                "line " + std::to_string(n) + " contains the control character " +
                    quote(ctl_at < t.size() ? t.substr(ctl_at, 1) : std::string_view("\r")) +
                    " at column " + std::to_string(col(ctl_at)),
                n, col(ctl_at));
    };

    std::size_t start = 0;
    while (start < t.size() && is_wsp(t[start])) ++start;
    if (start > 0) {
      // Reported once, at the first indented line (report_indentation): a template indents every line.
      if (indented_lines_++ == 0) first_indented_ = {n, quote(t.substr(start), 30)};
    }

    const std::size_t colon = t.find(':', start);
    if (colon == std::string_view::npos) {
      report_control();
      // D12e of docs/SENDERS.md.
      std::string msg = "line " + std::to_string(n) + " is not `key: value`: " + quote(t.substr(start));
      if (t.substr(start, 1) == "<") msg += " (this looks like HTML: the URL may serve a web page, not the policy)";
      msg += ": go-mtasts (maddy), mox, postfix-tlspol and KumoMTA reject the policy; postfix-mta-sts-resolver, "
             "chasquid and mailauth skip the line, Stalwart joins it to the next field's key";
      sink_.add(code::policy_line_no_colon, msg, n, col(start));
      return;
    }
    std::size_t key_end = colon;
    while (key_end > start && is_wsp(t[key_end - 1])) --key_end;
    const std::string_view key = t.substr(start, key_end - start);
    if (key_end < colon)
      // D6 of docs/SENDERS.md.
      sink_.add(code::policy_key_whitespace,
                "line " + std::to_string(n) + " has whitespace between the key " + quote(key) +
                    " and the colon, which the grammar does not allow: mox and postfix-tlspol (1.11 and later) "
                    "reject the policy, go-mtasts (maddy) and postfix-mta-sts-resolver read the unknown key " +
                    quote(t.substr(start, colon - start)) +
                    " (and lose the field); Stalwart, chasquid, mailauth and KumoMTA trim it",
                n, col(key_end));

    std::size_t vstart = colon + 1;
    while (vstart < t.size() && is_wsp(t[vstart])) ++vstart;
    std::size_t vend = t.size();
    while (vend > vstart && is_wsp(t[vend - 1])) --vend;
    const std::string_view value = t.substr(vstart, vend - vstart);
    const std::uint32_t vcol = col(vstart);

    if (!first_key_seen_) {
      first_key_seen_ = true;
      first_key_ = key;
    }
    key_column_ = col(start);
    const bool known = key == "version" || key == "mode" || key == "max_age" || key == "mx";
    if (known || !valid_ext_name(key) || ctl_at < vstart) report_control();
    if (key == "version") return on_version(value, n, vcol);
    if (key == "mode") return on_mode(value, n, vcol);
    if (key == "max_age") return on_max_age(value, n, vcol);
    if (key == "mx") return on_mx(value, n, l.text, vstart);
    on_other(key, value, n, col(start), t, vstart, ctl_at < vstart ? std::string_view::npos : ctl_at);
  }

  /** D1 of docs/SENDERS.md: one finding for all the indented lines. */
  void report_indentation() {
    if (indented_lines_ == 0) return;
    sink_.add(code::policy_line_leading_whitespace,
              "line " + std::to_string(first_indented_.line) + " starts with whitespace before " +
                  first_indented_.text +
                  (indented_lines_ == 1 ? std::string()
                   : indented_lines_ == field_lines_
                       ? " (all " + std::to_string(field_lines_) + " lines are indented)"
                       : " (" + std::to_string(indented_lines_) + " of the " + std::to_string(field_lines_) +
                             " lines are indented)") +
                  ", which the grammar does not allow: mox and postfix-tlspol (1.11 and later) reject the policy, "
                  "go-mtasts (maddy) and postfix-mta-sts-resolver do not recognise an indented key (the field is "
                  "lost, and without version, mode or max_age they reject the policy); Stalwart, chasquid, mailauth "
                  "and KumoMTA trim it",
              first_indented_.line, 1);
  }

  /** Records the first occurrence; on a repeat, reports and returns false. */
  bool first_occurrence(seen_field& f, std::string_view key, std::string_view value, std::uint32_t n,
                        std::uint32_t kcol) {
    if (!f.present) {
      f.present = true;
      f.raw = value;
      f.line = n;
      return true;
    }
    // D10 of docs/SENDERS.md.
    if (value == f.raw)
      sink_.add(code::policy_field_repeated,
                "line " + std::to_string(n) + " repeats `" + std::string(key) + ": " + std::string(value) +
                    "` from line " + std::to_string(f.line) + ": KumoMTA rejects a policy with two " +
                    std::string(key) + " lines, even when they agree; the other senders use it",
                n, kcol);
    else
      sink_.add(code::policy_field_duplicate,
                "line " + std::to_string(n) + " sets " + std::string(key) + " again, to " + quote(value) +
                    ": KumoMTA rejects a policy with two " + std::string(key) +
                    " lines, and the others disagree on which counts: mox and postfix-tlspol keep the first (" +
                    quote(f.raw) + ", line " + std::to_string(f.line) +
                    ", as RFC 8461 says), go-mtasts (maddy), postfix-mta-sts-resolver, Stalwart, chasquid and "
                    "mailauth the last",
                n, kcol);
    return false;
  }

  void on_version(std::string_view v, std::uint32_t n, std::uint32_t vcol) {
    if (!first_occurrence(version_, "version", v, n, key_column_)) return;
    if (v == "STSv1") {
      version_.ok = true;
      policy_.version = "STSv1";
      return;
    }
    std::string msg = "version is " + quote(v) + ", not \"STSv1\"";
    if (iequals(v, "STSv1")) msg += " (the value is case-sensitive)";
    else if (v.empty()) msg = "version has no value; it must be \"STSv1\"";
    sink_.add(code::policy_version_invalid, msg, n, vcol);
  }

  void on_mode(std::string_view v, std::uint32_t n, std::uint32_t vcol) {
    if (!first_occurrence(mode_, "mode", v, n, key_column_)) return;
    for (auto m : {policy_mode::enforce, policy_mode::testing, policy_mode::none}) {
      if (v == mode_name(m)) {
        mode_.ok = true;
        policy_.mode = m;
        return;
      }
    }
    std::string msg = "mode is " + quote(v) + ", not one of enforce, testing, none";
    for (auto m : {policy_mode::enforce, policy_mode::testing, policy_mode::none})
      if (iequals(v, mode_name(m))) msg += " (values are case-sensitive: write \"" + std::string(mode_name(m)) + "\")";
    if (iequals(v, "enforced") || iequals(v, "enforcing") || iequals(v, "strict"))
      msg += " (did you mean \"enforce\"?)";
    else if (iequals(v, "test") || iequals(v, "report") || iequals(v, "monitor"))
      msg += " (did you mean \"testing\"?)";
    else if (iequals(v, "off") || iequals(v, "disabled") || iequals(v, "disable"))
      msg += " (did you mean \"none\"?)";
    if (v.empty()) msg = "mode has no value; it must be enforce, testing or none";
    sink_.add(code::policy_mode_invalid, msg, n, vcol);
  }

  void on_max_age(std::string_view v, std::uint32_t n, std::uint32_t vcol) {
    if (!first_occurrence(max_age_, "max_age", v, n, key_column_)) return;
    std::size_t digits = 0;
    while (digits < v.size() && is_digit(v[digits])) ++digits;
    if (v.empty() || digits != v.size() || digits > 10) {
      std::string why;
      if (v.empty()) why = "has no value";
      else if (digits == v.size()) why = "has " + std::to_string(digits) + " digits; the grammar allows at most 10";
      else if (v[0] == '-' || v[0] == '+') why = "has a sign; it is a plain number of seconds";
      else if (v.find('.') != std::string_view::npos || v.find(',') != std::string_view::npos)
        why = "is not a whole number of seconds";
      else if (digits > 0 && digits < v.size() && is_alpha(v[digits]))
        why = "has a unit suffix " + quote(v.substr(digits)) + "; max_age is in seconds, digits only";
      else if (digits > 0 && v.find(' ') != std::string_view::npos)
        why = "has a space inside the number";
      else
        why = "is not a number";
      sink_.add(code::policy_max_age_invalid, "max_age " + quote(v) + " " + why, n,
                vcol + static_cast<std::uint32_t>(v.empty() ? 0 : (digits < v.size() ? digits : 0)));
      return;
    }
    std::uint64_t value = 0;
    for (char c : v) value = value * 10 + static_cast<std::uint64_t>(c - '0');
    if (v.size() > 1 && v[0] == '0')
      sink_.add(code::policy_max_age_leading_zero,
                "max_age " + quote(v) + " has leading zeros; it means " + std::to_string(value) +
                    ", but some parsers read a leading 0 as octal",
                n, vcol);
    if (value > limits::max_age_max) {
      sink_.add(code::policy_max_age_too_large,
                "max_age " + std::to_string(value) + " is above the maximum of 31557600 (365.25 days); senders "
                "disagree: some cap it to 31557600, others reject the whole policy",
                n, vcol);
      return;
    }
    max_age_.ok = true;
    max_age_value_ = value;
    policy_.max_age = value;
  }

  void on_mx(std::string_view v, std::uint32_t n, std::string_view line, std::size_t vstart) {
    any_mx_line_ = true;
    std::vector<mx_diagnosis> diags;
    std::string a_label;
    const bool ok = check_mx_value(v, diags, &a_label);
    for (auto& d : diags) sink_.add(d.c, std::move(d.message), n, column_at(line, vstart + d.offset));
    if (!ok && !a_label.empty()) {
      // Invalid as written; its A-label form stands in for a_label_policy (policy.h).
      const std::string_view kept = folded_.emplace_back(std::move(a_label));
      mx_entries_.push_back({kept, kept, n, column_at(line, vstart)});
      ++a_labelled_;
      return;
    }
    if (!ok) return;
    // Patterns compare case-insensitively; fold only when there is something to fold.
    std::string_view key = v;
    for (char c : v)
      if (c >= 'A' && c <= 'Z') {
        std::string folded(v);
        for (char& f : folded) f = ascii_lower(f);
        key = folded_.emplace_back(std::move(folded));
        break;
      }
    mx_entries_.push_back({v, key, n, column_at(line, vstart)});
  }

  /**
   * Every valid mx line, in order: duplicates (found with one sort, no
   * allocation per pattern) are reported and kept once; the rest become the
   * policy's patterns, with the wildcard advice of §10.4.
   */
  void finish_mx() {
    const std::size_t count = mx_entries_.size();
    std::vector<std::uint32_t> order(count);
    for (std::size_t i = 0; i < count; ++i) order[i] = static_cast<std::uint32_t>(i);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return mx_entries_[a].key < mx_entries_[b].key; });
    std::vector<std::uint32_t> first_of(count);  // index of the first entry with the same key
    for (std::size_t k = 0; k < count; ++k)
      first_of[order[k]] =
          (k > 0 && mx_entries_[order[k]].key == mx_entries_[order[k - 1]].key) ? first_of[order[k - 1]] : order[k];
    policy_.mx.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
      const auto& e = mx_entries_[i];
      if (first_of[i] != i) {
        sink_.add(code::policy_mx_duplicate,
                  "mx " + quote(e.value) + " on line " + std::to_string(e.line) + " repeats line " +
                      std::to_string(mx_entries_[first_of[i]].line),
                  e.line, e.column);
        continue;
      }
      policy_.mx.emplace_back(e.value);
      if (e.value.size() > 2 && e.value[0] == '*') {
        // Q2 of docs/SENDERS.md: a provider's own rotating suffix, or a pattern that only looks like one.
        const provider_pattern* documented = documented_provider(e.value);
        const provider_lookalike* lookalike = documented ? nullptr : provider_lookalike_of(e.value);
        if (wildcard_over_public_suffix(e.value))
          sink_.add(code::policy_mx_wildcard_public_suffix,
                    "mx " + quote(e.value) + " covers every host one label under a public suffix, so any such host "
                    "with a valid certificate is an acceptable MX; the policy protects almost nothing",
                    e.line, e.column);
        else if (documented)
          sink_.add(code::policy_mx_wildcard_provider,
                    "mx " + quote(e.value) + ": " + std::string(documented->provider) + " " +
                        std::string(documented->evidence),
                    e.line, e.column);
        else if (lookalike)
          sink_.add(code::policy_mx_wildcard_provider_mismatch,
                    "mx " + quote(e.value) + " looks meant for " + std::string(lookalike->provider) + ", but " +
                        std::string(lookalike->hosts) + ", and '*' matches exactly one label (RFC 8461 §4.1); write " +
                        std::string(lookalike->instead),
                    e.line, e.column);
        else
          sink_.add(code::policy_mx_wildcard,
                    "mx " + quote(e.value) + " accepts any host one label under " + quote(e.value.substr(2)) +
                        " that has a valid certificate",
                    e.line, e.column);
      }
    }
  }

  /** `ctl_at`: offset in `line` of a control character (not TAB) in the value, or npos. */
  void on_other(std::string_view key, std::string_view value, std::uint32_t n, std::uint32_t kcol,
                std::string_view line, std::size_t vstart, std::size_t ctl_at) {
    const std::string_view meant = typo_of(key);
    if (key.empty()) {
      sink_.add(code::policy_key_invalid, "line " + std::to_string(n) + " has no key before the colon", n, kcol);
      return;
    }
    if (!valid_ext_name(key)) {
      std::string msg = "key " + quote(key) + " is not a valid field name (1-32 letters, digits, '_', '-' or "
                        "'.', starting with a letter or digit)";
      if (!meant.empty()) {
        msg += "; did you mean \"" + std::string(meant) + "\"?";
        typos_.push_back({meant, n, key});
      }
      sink_.add(code::policy_key_invalid, msg, n, kcol);
      return;
    }
    if (!meant.empty()) {
      typos_.push_back({meant, n, key});
      sink_.add(code::policy_key_typo,
                "key " + quote(key) + " is not \"" + std::string(meant) + "\"" +
                    (iequals(key, meant) ? " (keys are case-sensitive)" : "") +
                    "; senders ignore it as an unknown field",
                n, kcol);
    } else {
      sink_.add(code::policy_extension_unknown,
                "field " + quote(key) + " is not one of version, mode, max_age, mx; senders ignore it", n, kcol);
    }
    // sts-policy-ext-value: vchar [*(SP / vchar) vchar]; UTF-8 allowed, no CTLs (TAB included).
    // D12b/D12c of docs/SENDERS.md.
    bool ok = true;
    // `bad`: offset in the line of the first TAB or control character of the value (a lone CR
    // inside the value sits just past the line's text: split_lines).
    std::size_t bad = value.find('\t');
    if (bad != std::string_view::npos) bad += vstart;
    if (ctl_at != std::string_view::npos && ctl_at < bad) bad = ctl_at;
    if (value.empty() || bad != std::string_view::npos) {
      ok = false;
      const std::uint32_t at = column_at(line, value.empty() ? vstart : bad);
      const std::string_view what = bad < line.size() ? line.substr(bad, 1) : std::string_view("\r");
      std::string why = value.empty() ? std::string("is empty")
                                      : "contains " + quote(what) + " at column " + std::to_string(at) +
                                            (what == "\r" ? " (a lone CR, which is not a line ending)" : "") +
                                            ", and the grammar allows no control character, TAB included, there";
      sink_.add(code::policy_extension_value_invalid,
                "the value of " + quote(key) + " " + why +
                    ": mox and postfix-tlspol (1.11 and later) reject the policy; go-mtasts (maddy), "
                    "postfix-mta-sts-resolver, Stalwart, chasquid, mailauth and KumoMTA ignore the field",
                n, at);
    }
    // D12d of docs/SENDERS.md.
    if (const std::size_t c = value.find(':'); c != std::string_view::npos) {
      ok = false;
      const std::uint32_t at = column_at(line, vstart + c);
      sink_.add(code::policy_value_colon,
                "the value of " + quote(key) + " holds a ':' at column " + std::to_string(at) +
                    ": go-mtasts (maddy) splits every line at each ':' and rejects a line of three parts, so it "
                    "rejects the policy; the other senders read the value to the end of the line",
                n, at);
    }
    if (!ok || !extension_seen_.insert(key).second) return;
    policy_.extensions.emplace_back(std::string(key), std::string(value));
  }

  struct typo {
    std::string_view meant;
    std::uint32_t line;
    std::string_view key;
  };

  std::string typo_hint(std::string_view field) const {
    for (const auto& t : typos_)
      if (t.meant == field)
        return " (line " + std::to_string(t.line) + " has " + quote(t.key) + ", which senders do not read as " +
               std::string(field) + ")";
    return {};
  }

  void check_required() {
    if (!version_.present)
      sink_.add(code::policy_version_missing, "the policy has no version field" + typo_hint("version"));
    if (!mode_.present)
      sink_.add(code::policy_mode_missing, "the policy has no mode field" + typo_hint("mode"));
    if (!max_age_.present)
      sink_.add(code::policy_max_age_missing, "the policy has no max_age field" + typo_hint("max_age"));
    const bool mode_none = mode_.present && iequals(mode_.raw, "none");
    if (!any_mx_line_ && !mode_none) {
      std::string m = mode_.ok ? " " + std::string(mode_name(policy_.mode)) : std::string();
      sink_.add(code::policy_mx_missing,
                "the policy has no mx field; mode" + m + " requires at least one" + typo_hint("mx"));
    }
    if (!any_mx_line_ && mode_.ok && policy_.mode == policy_mode::none)
      // D14a of docs/SENDERS.md.
      sink_.add(code::policy_mode_none_without_mx,
                "mode none without any mx line: RFC 8461 allows it, but Stalwart and chasquid require an mx line "
                "even in mode none and reject the policy, so they keep enforcing the policy they cached; go-mtasts "
                "(maddy), postfix-mta-sts-resolver, mox, postfix-tlspol, mailauth and KumoMTA accept it" +
                    typo_hint("mx"),
                mode_.line, 1);
  }

  void give_advice() {
    if (version_.present && first_key_seen_ && first_key_ != "version")
      sink_.add(code::policy_version_not_first,
                "version is on line " + std::to_string(version_.line) + ", not first; the RFC allows any "
                "order, but some providers' guides require it first",
                version_.line, 1);
    if (mode_.ok && policy_.mode == policy_mode::testing)
      sink_.add(code::policy_mode_testing,
                "mode is testing: senders report TLS failures but still deliver over unprotected connections",
                mode_.line, 1);
    if (mode_.ok && policy_.mode == policy_mode::none) {
      sink_.add(code::policy_mode_none,
                "mode is none: senders treat the domain as having no MTA-STS policy (used to withdraw it)",
                mode_.line, 1);
      if (max_age_.ok && max_age_value_ > limits::max_age_withdraw)
        sink_.add(code::policy_mode_none_long_max_age,
                  "mode none with max_age " + std::to_string(max_age_value_) + " (" + human(max_age_value_) +
                      "): while withdrawing, a short max_age lets senders forget the policy sooner",
                  max_age_.line, 1);
    }
    if (mode_.ok && max_age_.ok && policy_.mode != policy_mode::none) {
      if (max_age_value_ < limits::max_age_day)
        sink_.add(code::policy_max_age_under_day,
                  "max_age " + std::to_string(max_age_value_) + " (" + human(max_age_value_) + ")" +
                      (max_age_value_ == 0 ? ": senders cannot cache the policy at all, so it protects only "
                                             "while the policy host is reachable"
                                           : " is under a day; an attacker who blocks the policy host for that "
                                             "long removes the protection"),
                  max_age_.line, 1);
      else if (max_age_value_ < limits::max_age_week)
        sink_.add(code::policy_max_age_under_week,
                  "max_age " + std::to_string(max_age_value_) + " (" + human(max_age_value_) +
                      ") is under a week; the RFC expects weeks or more" +
                      (policy_.mode == policy_mode::testing
                           ? " (in testing mode too: the max_age carries over when you switch to enforce)"
                           : ""),
                  max_age_.line, 1);
    }
  }

  static std::string human(std::uint64_t s) {
    if (s % 86400 == 0 && s >= 86400) return std::to_string(s / 86400) + (s == 86400 ? " day" : " days");
    if (s >= 86400) {
      const std::uint64_t days = (s + 43200) / 86400;
      return "about " + std::to_string(days) + (days == 1 ? " day" : " days");
    }
    if (s % 3600 == 0 && s >= 3600) return std::to_string(s / 3600) + (s == 3600 ? " hour" : " hours");
    if (s >= 3600) {
      const std::uint64_t hours = (s + 1800) / 3600;
      return "about " + std::to_string(hours) + (hours == 1 ? " hour" : " hours");
    }
    return std::to_string(s) + (s == 1 ? " second" : " seconds");
  }

  std::size_t full_size_;  // as given; body_ is at most limits::policy_max_bytes of it
  std::string_view body_;
  std::vector<line_view> lines_;
  finding_sink sink_;
  policy policy_;
  seen_field version_, mode_, max_age_;
  std::uint64_t max_age_value_ = 0;
  bool any_mx_line_ = false;
  std::size_t a_labelled_ = 0;  // mx lines written with U-labels, kept as their A-label form
  struct mx_entry {
    std::string_view value, key;  // as written; case-folded
    std::uint32_t line, column;
  };
  std::vector<mx_entry> mx_entries_;
  std::deque<std::string> folded_;  // owns the folded keys that are not views of the body
  std::unordered_set<std::string_view> extension_seen_;
  std::vector<typo> typos_;
  bool first_key_seen_ = false;
  std::size_t indented_lines_ = 0, field_lines_ = 0;  // lines that are not blank
  struct {
    std::uint32_t line = 0;
    std::string text;  // quoted, from the first key
  } first_indented_;
  std::uint32_t key_column_ = 1;  // of the line being read
  std::string_view first_key_;
};

}  // namespace

policy_result lint_policy(std::string_view body) noexcept { return policy_linter(body).run(); }

}  // namespace mtasts
