/**
 * @file records.cpp
 * @brief The `_mta-sts` (RFC 8461 §3.1) and `_smtp._tls` (RFC 8460 §3) TXT records.
 *
 * Theory of operation. Both records share one shape:
 *
 *   record      = version 1*(field-delim field) [field-delim]
 *   field-delim = *WSP ";" *WSP
 *   ext-name    = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")
 *   ext-value   = 1*(%x21-3A / %x3C / %x3E-7E)
 *
 * with version %s"v=STSv1" or %s"v=TLSRPTv1". tokenize() checks that shared
 * grammar once, raising the codes of the record kind at hand (a table of
 * codes per kind), and hands each `name=value` field to the kind's own rules:
 * `id` for MTA-STS, `rua` for TLS-RPT. Duplicated fields: the first wins
 * (RFC 8461 §3.2). Unknown fields are ignored (both RFCs).
 */
#include "mtasts/records.h"

#include <unordered_set>

#include "text.h"

namespace mtasts {
namespace {

using namespace detail;

struct kind_codes {
  std::string_view version;  // "v=STSv1"
  std::string_view label;    // "MTA-STS record"
  code empty, quoted, character_invalid, version_invalid, space_before, field_empty, no_equals, whitespace,
      name_invalid, value_invalid, extension_unknown, trailing_whitespace;
};

constexpr kind_codes sts_codes{
    "v=STSv1",
    "MTA-STS record",
    code::sts_empty,
    code::sts_quoted,
    code::sts_character_invalid,
    code::sts_version_invalid,
    code::sts_delimiter_space_before,
    code::sts_field_empty,
    code::sts_field_no_equals,
    code::sts_field_whitespace,
    code::sts_field_name_invalid,
    code::sts_field_value_invalid,
    code::sts_extension_unknown,
    code::sts_trailing_whitespace,
};

constexpr kind_codes tlsrpt_codes{
    "v=TLSRPTv1",
    "TLS-RPT record",
    code::tlsrpt_empty,
    code::tlsrpt_quoted,
    code::tlsrpt_character_invalid,
    code::tlsrpt_version_invalid,
    code::tlsrpt_delimiter_space_before,
    code::tlsrpt_field_empty,
    code::tlsrpt_field_no_equals,
    code::tlsrpt_field_whitespace,
    code::tlsrpt_field_name_invalid,
    code::tlsrpt_field_value_invalid,
    code::tlsrpt_extension_unknown,
    code::tlsrpt_trailing_whitespace,
};

struct field {
  std::string_view name, value;
  std::size_t name_off = 0, value_off = 0;  // byte offsets in the record text
};

bool valid_name(std::string_view k) noexcept {
  if (k.empty() || k.size() > 32 || !is_alnum(k[0])) return false;
  for (char c : k.substr(1))
    if (!(is_alnum(c) || c == '_' || c == '-' || c == '.')) return false;
  return true;
}

/** ext-value = 1*(%x21-3A / %x3C / %x3E-7E); returns the offset of the first bad char, or npos. */
std::size_t bad_value_char(std::string_view v) noexcept {
  for (std::size_t i = 0; i < v.size(); ++i) {
    const auto u = static_cast<unsigned char>(v[i]);
    if (u < 0x21 || u > 0x7E || u == '=' || u == ';') return i;
  }
  return std::string_view::npos;
}

/** Says what a record that is not of this kind seems to be. */
std::string looks_like(std::string_view t) {
  struct tag {
    std::string_view prefix, what;
  };
  static constexpr tag tags[] = {
      {"v=spf1", "an SPF record"},       {"v=DMARC1", "a DMARC record"}, {"v=DKIM1", "a DKIM key record"},
      {"v=STSv1", "an MTA-STS record"},  {"v=TLSRPTv1", "a TLS-RPT record"}, {"v=BIMI1", "a BIMI record"},
      {"version:", "a policy file, not a TXT record"}, {"google-site-verification", "a site-verification token"},
  };
  for (const auto& g : tags)
    if (t.size() >= g.prefix.size() && iequals(t.substr(0, g.prefix.size()), g.prefix))
      return std::string(" (it looks like ") + std::string(g.what) + ")";
  return {};
}

class record_tokenizer {
 public:
  record_tokenizer(std::string_view text, const column_map& cols, const kind_codes& k, finding_sink& sink)
      : full_(text), cols_(cols), k_(k), sink_(sink) {}

  /** Byte offset (in the record text) of the invalid character reported, or npos. */
  std::size_t bad_char() const noexcept { return bad_char_; }

  /** Returns false when the record is empty or not of this kind (nothing else to say). */
  bool run(std::vector<field>& fields) {
    std::string_view t = full_;
    if (blank(t)) {
      sink_.add(k_.empty, t.empty() ? "the record is empty"
                                    : "the record holds only whitespace");
      return false;
    }
    std::size_t base = 0;
    if (t.front() == '"' || (t.front() == '\\' && t.size() > 1 && t[1] == '"')) {
      const bool both = t.size() >= 2 && t.back() == '"';
      sink_.add(k_.quoted,
                std::string("the record's data starts with a quote character") +
                    (both ? " and ends with one" : "") +
                    ": a TXT record's quotes belong to zone-file syntax, not to its data; if you pasted "
                    "zone-file text, remove them, but if DNS serves them, your provider stored the quotes and "
                    "senders will not recognise the record",
                1, 1);
      base = t.front() == '"' ? 1 : 2;
      t = t.substr(base, t.size() - base - (both ? 1 : 0));
    }
    check_characters(t, base);

    // Version: %s"v=STSv1" at the very start, then a delimiter or the end.
    std::size_t p = 0;
    const std::string_view v = k_.version;
    bool version_ok = t.substr(0, v.size()) == v;
    if (version_ok && t.size() > v.size() && !is_wsp(t[v.size()]) && t[v.size()] != ';') version_ok = false;
    if (!version_ok) {
      // Not a record of this kind (or not recognisably one): senders discard
      // it, and reading its fields as ours would only add noise.
      sink_.add(k_.version_invalid, version_problem(t), 1, col(base));
      return false;
    } else {
      p = v.size();
      std::size_t q = p;
      while (q < t.size() && is_wsp(t[q])) ++q;
      if (q > p && q < t.size() && t[q] == ';')
        sink_.add(k_.space_before,
                  "whitespace between " + std::string(v) + " and the first ';': the grammar allows it, but "
                  "senders keep only records starting with \"" + std::string(v) + ";\" (erratum 6285) and may "
                  "discard this one",
                  1, col(base + p));
      else if (q < t.size() && t[q] != ';') {
        sink_.add(k_.version_invalid,
                  std::string(v) + " must be followed by ';' before the next field, found " + quote(t.substr(q), 20),
                  1, col(base + q));
        return false;  // as for any wrong version: senders discard the record
      }
      p = q;
    }
    // Fields: split at ';'.
    while (p < t.size()) {
      // t[p] == ';'
      const std::size_t semi_at = p;
      const std::size_t start = p + 1;
      std::size_t end = t.find(';', start);
      if (end == std::string_view::npos) end = t.size();
      std::size_t a = start, b = end;
      while (a < b && is_wsp(t[a])) ++a;
      while (b > a && is_wsp(t[b - 1])) --b;
      if (a == b) {
        if (end != t.size())
          sink_.add(k_.field_empty, "empty field between two ';'", 1, col(base + semi_at));
      } else {
        field_at(t, base, a, b, fields);
        // The grammar allows whitespace only around ';' (field-delim = *WSP ";" *WSP):
        // after the last field, without a final ';', it is outside the record.
        if (end == t.size() && b < end)
          sink_.add(k_.trailing_whitespace,
                    "whitespace after the last field " + quote(t.substr(a, b - a), 30) +
                        ", which the grammar allows only around ';'; most senders trim it, strict ones read it "
                        "as part of the value and reject the record",
                    1, col(base + b));
      }
      p = end;
    }
    return true;
  }

 private:
  static bool blank(std::string_view s) {
    for (char c : s)
      if (!is_wsp(c)) return false;
    return true;
  }

  std::uint32_t col(std::size_t off) const { return cols_.at(off); }

  void check_characters(std::string_view t, std::size_t base) {
    for (std::size_t i = 0; i < t.size(); ++i) {
      const auto u = static_cast<unsigned char>(t[i]);
      if (u >= 0x80 || (is_ctl(t[i]) && t[i] != '\t')) {
        const std::size_t n = u >= 0x80 ? utf8_sequence_length(t, i) : 1;
        bad_char_ = base + i;
        sink_.add(k_.character_invalid,
                  std::string("the record contains ") + (u >= 0x80 ? "the non-ASCII character " : "the control character ") +
                      quote(t.substr(i, n == 0 ? 1 : n)) + "; " + std::string(k_.label) + "s are US-ASCII",
                  1, col(base + i));
        return;
      }
    }
  }

  std::string version_problem(std::string_view t) const {
    const std::string_view v = k_.version;
    std::size_t ws = 0;
    while (ws < t.size() && is_wsp(t[ws])) ++ws;
    if (ws > 0 && t.substr(ws, v.size()) == v)
      return "the record starts with whitespace; it must start with exactly \"" + std::string(v) + "\"";
    if (t.size() >= v.size() && iequals(t.substr(0, v.size()), v) && t.substr(0, v.size()) != v)
      return "the record starts with " + quote(t.substr(0, v.size())) + "; the version tag is case-sensitive: \"" +
             std::string(v) + "\"";
    if (t.substr(0, v.size()) == v)
      return "the record starts with " + quote(t.substr(0, v.size() + 1)) + ", not the version tag \"" +
             std::string(v) + "\" followed by ';'";
    std::string_view head = t.substr(ws);
    const std::size_t semi = head.find(';');
    head = head.substr(0, semi == std::string_view::npos ? head.size() : semi);
    return "the record must start with \"" + std::string(v) + "\", not " + quote(head, 30) + looks_like(t.substr(ws));
  }

  void field_at(std::string_view t, std::size_t base, std::size_t a, std::size_t b, std::vector<field>& out) {
    const std::string_view seg = t.substr(a, b - a);
    const std::size_t eq = seg.find('=');
    if (eq == std::string_view::npos) {
      sink_.add(k_.no_equals, "field " + quote(seg, 30) + " has no '='", 1, col(base + a));
      return;
    }
    std::size_t ne = eq;
    while (ne > 0 && is_wsp(seg[ne - 1])) --ne;
    std::size_t vs = eq + 1;
    while (vs < seg.size() && is_wsp(seg[vs])) ++vs;
    const std::string_view name = seg.substr(0, ne);
    if (ne < eq || vs > eq + 1)
      sink_.add(k_.whitespace,
                "field " + quote(seg, 30) + " has whitespace around '='; the grammar allows none there",
                1, col(base + a + (ne < eq ? ne : eq + 1)));
    if (!valid_name(name)) {
      sink_.add(k_.name_invalid,
                "field name " + quote(name, 40) + " is not 1-32 letters, digits, '_', '-' or '.' starting with a "
                "letter or digit",
                1, col(base + a));
      return;
    }
    out.push_back({name, seg.substr(vs), base + a, base + a + vs});
  }

  std::string_view full_;
  std::size_t bad_char_ = std::string_view::npos;
  const column_map& cols_;
  const kind_codes& k_;
  finding_sink& sink_;
};

/** The generic ext-value check; returns false after reporting. */
bool check_ext_value(const field& f, const column_map& cols, const kind_codes& k, finding_sink& sink,
                     std::size_t reported_char) {
  if (f.value.empty()) {
    sink.add(k.value_invalid, "field " + quote(f.name) + " has an empty value", 1, cols.at(f.value_off));
    return false;
  }
  const std::size_t bad = bad_value_char(f.value);
  if (bad != std::string_view::npos) {
    if (f.value_off + bad == reported_char) return false;  // already said: character.invalid
    sink.add(k.value_invalid,
             "the value of " + quote(f.name) + " contains " + quote(f.value.substr(bad, 1)) +
                 "; values exclude spaces, '=', ';' and control characters",
             1, cols.at(f.value_off + bad));
    return false;
  }
  return true;
}

/** First occurrence of each name wins. */
void add_extension(extension_list& list, std::unordered_set<std::string_view>& seen, const field& f) {
  if (!seen.insert(f.name).second) return;
  list.emplace_back(std::string(f.name), std::string(f.value));
}

/** Joins the character-strings of one TXT RR, noting the join and overlong strings. */
std::string join_strings(const std::vector<std::string>& strings, finding_sink& sink) {
  std::string joined;
  for (std::size_t i = 0; i < strings.size(); ++i) {
    if (strings[i].size() > 255)
      sink.add(code::txt_string_too_long,
               "character-string " + std::to_string(i + 1) + " is " + std::to_string(strings[i].size()) +
                   " bytes; DNS allows at most 255 per string, so it cannot have come from DNS as given");
    joined += strings[i];
  }
  if (strings.size() > 1) {
    std::string sizes;
    for (std::size_t i = 0; i < strings.size() && i < 8; ++i)
      sizes += (i ? ", " : "") + std::to_string(strings[i].size());
    if (strings.size() > 8) sizes += ", ...";
    sink.add(code::txt_strings_joined,
             "the record's " + std::to_string(strings.size()) + " character-strings (" + sizes +
                 " bytes) were joined without separators, as senders do");
  }
  return joined;
}

// ---- _mta-sts -------------------------------------------------------------

sts_result lint_sts(std::string_view text, finding_sink& sink) {
  sts_result r;
  std::vector<field> fields;
  const column_map cols(text);
  record_tokenizer tok(text, cols, sts_codes, sink);
  std::unordered_set<std::string_view> seen;
  sts_record rec;
  bool have_id = false;
  const field* case_id = nullptr;
  if (tok.run(fields)) {
    for (const auto& f : fields) {
      if (f.name == "id") {
        if (have_id) {
          sink.add(code::sts_id_duplicate,
                   "a second id field " + quote(f.value, 40) + (f.value == rec.id ? " (same value)" : "") +
                       "; senders use the first (" + quote(rec.id, 40) + ")",
                   1, cols.at(f.name_off));
          continue;
        }
        // sts-id = %s"id=" 1*32(ALPHA / DIGIT)
        std::size_t bad = std::string_view::npos;
        for (std::size_t i = 0; i < f.value.size() && bad == std::string_view::npos; ++i)
          if (!is_alnum(f.value[i])) bad = i;
        if (f.value.empty()) {
          sink.add(code::sts_id_invalid, "id is empty; it must be 1-32 letters or digits", 1,
                   cols.at(f.value_off));
        } else if (bad != std::string_view::npos && f.value_off + bad == tok.bad_char()) {
          // already said: sts.character.invalid
        } else if (bad != std::string_view::npos) {
          std::string msg = "id " + quote(f.value, 40) + " contains " + quote(f.value.substr(bad, 1)) +
                            "; ids are letters and digits only";
          if (f.value[bad] == '-' || f.value[bad] == ':' || f.value[bad] == '.')
            msg += " (dates like 2024-01-01 are a common mistake: write 20240101)";
          sink.add(code::sts_id_invalid, msg, 1, cols.at(f.value_off + bad));
        } else if (f.value.size() > 32) {
          sink.add(code::sts_id_invalid,
                   "id " + quote(f.value, 40) + " is " + std::to_string(f.value.size()) +
                       " characters long; at most 32 are allowed",
                   1, cols.at(f.value_off + 32));
        }
        have_id = true;
        rec.id = std::string(f.value);
        continue;
      }
      if (!check_ext_value(f, cols, sts_codes, sink, tok.bad_char())) continue;
      if (iequals(f.name, "id")) case_id = &f;
      std::string msg = "field " + quote(f.name) + " is not a registered MTA-STS field; senders ignore it";
      if (f.name == "v") msg = "a second version field " + quote(f.value) + "; senders ignore it";
      else if (iequals(f.name, "id")) msg = "field " + quote(f.name) + " is not \"id\" (field names are case-sensitive); senders ignore it";
      sink.add(code::sts_extension_unknown, msg, 1, cols.at(f.name_off));
      add_extension(rec.extensions, seen, f);
    }
    if (!have_id) {
      std::string msg = "the record has no id field";
      if (case_id) msg += " (" + quote(case_id->name) + " is not \"id\": names are case-sensitive)";
      sink.add(code::sts_id_missing, msg);
    }
  }
  r.valid = sink.valid();
  r.findings = sink.take();
  if (r.valid) r.record = std::move(rec);
  return r;
}

// ---- _smtp._tls -----------------------------------------------------------

bool uri_char(char c) noexcept {
  // RFC 3986 unreserved / gen-delims / sub-delims ('%' is handled apart).
  if (is_alnum(c)) return true;
  switch (c) {
    case '-': case '.': case '_': case '~': case ':': case '/': case '?': case '#': case '[': case ']':
    case '@': case '!': case '$': case '&': case '\'': case '(': case ')': case '*': case '+': case ',':
    case ';': case '=':
      return true;
    default:
      return false;
  }
}

bool is_hex(char c) noexcept { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

enum class uri_verdict { usable, unusable_scheme, broken };

uri_verdict check_uri(std::string_view u, std::size_t off, const column_map& cols, finding_sink& sink,
                      std::size_t reported_char) {
  auto col = [&](std::size_t i) { return cols.at(off + i); };
  // DMARC's size suffix: "!" 1*DIGIT [ "k" / "m" / "g" / "t" ] at the end.
  const std::size_t bang = u.find('!');
  if (bang != std::string_view::npos) {
    std::size_t i = bang + 1, d = 0;
    while (i < u.size() && is_digit(u[i])) ++i, ++d;
    if (i < u.size() && std::string_view("kmgtKMGT").find(u[i]) != std::string_view::npos) ++i;
    if (d > 0 && i == u.size())
      sink.add(code::tlsrpt_rua_size_suffix,
               "URI " + quote(u) + " ends with the DMARC-style size limit " + quote(u.substr(bang)) +
                   "; TLS-RPT has no size limits and the '!' makes the URI invalid",
               1, col(bang));
    else
      sink.add(code::tlsrpt_rua_unencoded, "URI " + quote(u) + " contains an unencoded '!'; write %21", 1,
               col(bang));
    return uri_verdict::broken;
  }
  // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"
  std::size_t s = 0;
  if (!u.empty() && is_alpha(u[0])) {
    s = 1;
    while (s < u.size() && (is_alnum(u[s]) || u[s] == '+' || u[s] == '-' || u[s] == '.')) ++s;
  }
  if (s == 0 || s >= u.size() || u[s] != ':') {
    std::string msg = "URI " + quote(u) + " has no scheme; it must start with mailto: or https:";
    if (u.find('@') != std::string_view::npos && u.find(':') == std::string_view::npos)
      msg += " (for an address, write mailto:" + std::string(u) + ")";
    sink.add(code::tlsrpt_rua_invalid, msg, 1, col(0));
    return uri_verdict::broken;
  }
  for (std::size_t i = s + 1; i < u.size(); ++i) {
    const char c = u[i];
    if (c == '%') {
      if (i + 2 < u.size() && is_hex(u[i + 1]) && is_hex(u[i + 2])) {
        i += 2;
        continue;
      }
      sink.add(code::tlsrpt_rua_invalid, "URI " + quote(u) + " has a '%' not followed by two hex digits", 1,
               col(i));
      return uri_verdict::broken;
    }
    if (!uri_char(c)) {
      if (off + i == reported_char) return uri_verdict::broken;  // already said: character.invalid
      sink.add(code::tlsrpt_rua_invalid,
               "URI " + quote(u) + " contains " + quote(u.substr(i, 1)) +
                   ", which a URI cannot hold unencoded (RFC 3986)",
               1, col(i));
      return uri_verdict::broken;
    }
  }
  const std::string_view scheme = u.substr(0, s);
  const std::string_view rest = u.substr(s + 1);
  if (iequals(scheme, "mailto")) {
    const std::size_t at = rest.find('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == rest.size())
      sink.add(code::tlsrpt_rua_mailto_no_at,
               "URI " + quote(u) + " is not a full mail address (local-part@domain)", 1, col(s + 1));
    return uri_verdict::usable;
  }
  if (iequals(scheme, "https")) {
    bool host = rest.size() > 2 && rest.substr(0, 2) == "//" && rest[2] != '/' && rest[2] != '?' && rest[2] != '#';
    if (!host)
      sink.add(code::tlsrpt_rua_https_no_host, "URI " + quote(u) + " has no host after https://", 1, col(s + 1));
    return uri_verdict::usable;
  }
  std::string msg = "URI " + quote(u) + " uses the scheme " + quote(scheme) +
                    "; reporters send only to mailto: and https: URIs";
  if (iequals(scheme, "http")) msg += " (use https:)";
  sink.add(code::tlsrpt_rua_scheme, msg, 1, col(0));
  return uri_verdict::unusable_scheme;
}

tlsrpt_result lint_tlsrpt(std::string_view text, finding_sink& sink) {
  tlsrpt_result r;
  std::vector<field> fields;
  const column_map cols(text);
  record_tokenizer tok(text, cols, tlsrpt_codes, sink);
  std::unordered_set<std::string_view> seen;
  tlsrpt_record rec;
  bool have_rua = false;
  const field* case_rua = nullptr;
  if (tok.run(fields)) {
    for (const auto& f : fields) {
      if (f.name == "rua") {
        if (have_rua) {
          sink.add(code::tlsrpt_rua_duplicate,
                   "a second rua field " + quote(f.value, 40) +
                       "; the first one counts and reporters may ignore this one",
                   1, cols.at(f.name_off));
          continue;
        }
        have_rua = true;
        // tlsrpt-rua = %s"rua=" tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri)
        std::size_t usable = 0, unusable = 0, broken = 0;
        std::size_t p = 0;
        const std::string_view v = f.value;
        if (v.empty()) {
          sink.add(code::tlsrpt_rua_empty, "rua is empty; it needs at least one mailto: or https: URI", 1,
                   cols.at(f.value_off));
          continue;
        }
        while (p <= v.size()) {
          std::size_t comma = v.find(',', p);
          if (comma == std::string_view::npos) comma = v.size();
          std::size_t a = p, b = comma;
          while (a < b && is_wsp(v[a])) ++a;
          while (b > a && is_wsp(v[b - 1])) --b;
          const std::string_view u = v.substr(a, b - a);
          if (u.empty()) {
            sink.add(code::tlsrpt_rua_invalid, "rua has an empty entry in its comma-separated list", 1,
                     cols.at(f.value_off + a));
            ++broken;
          } else {
            switch (check_uri(u, f.value_off + a, cols, sink, tok.bad_char())) {
              case uri_verdict::usable: ++usable; break;
              case uri_verdict::unusable_scheme: ++unusable; break;
              case uri_verdict::broken: ++broken; break;
            }
            rec.rua.emplace_back(u);
          }
          if (comma == v.size()) break;
          p = comma + 1;
        }
        if (usable == 0 && broken == 0)
          sink.add(code::tlsrpt_rua_none_usable,
                   "rua lists no mailto: or https: URI, so reporters have nowhere to send reports", 1,
                   cols.at(f.value_off));
        const std::size_t destinations = rec.rua.size();  // empty entries are not destinations
        if (destinations > 1)
          sink.add(code::tlsrpt_rua_multiple,
                   "rua lists " + std::to_string(destinations) +
                       " destinations; reporters may send to all of them or to only one",
                   1, cols.at(f.value_off));
        continue;
      }
      if (!check_ext_value(f, cols, tlsrpt_codes, sink, tok.bad_char())) continue;
      if (iequals(f.name, "rua")) case_rua = &f;
      std::string msg = "field " + quote(f.name) + " is not a TLS-RPT field; reporters ignore it";
      if (f.name == "v") msg = "a second version field " + quote(f.value) + "; reporters ignore it";
      else if (iequals(f.name, "rua")) msg = "field " + quote(f.name) + " is not \"rua\" (field names are case-sensitive); reporters ignore it";
      else if (f.name == "ruf") msg = "field \"ruf\" is DMARC's, not TLS-RPT's; reporters ignore it";
      sink.add(code::tlsrpt_extension_unknown, msg, 1, cols.at(f.name_off));
      add_extension(rec.extensions, seen, f);
    }
    if (!have_rua) {
      std::string msg = "the record has no rua field, so reporters have nowhere to send reports";
      if (case_rua) msg += " (" + quote(case_rua->name) + " is not \"rua\": names are case-sensitive)";
      sink.add(code::tlsrpt_rua_missing, msg);
    }
  }
  r.valid = sink.valid();
  r.findings = sink.take();
  if (r.valid) r.record = std::move(rec);
  return r;
}

template <class Result>
Result internal_failure() {
  Result r;
  r.findings.push_back({code::lint_internal, "the linter could not finish (out of memory)", 0, 0});
  return r;
}

}  // namespace

sts_result lint_sts_record(std::string_view text) noexcept {
  try {
    finding_sink sink;
    return lint_sts(text, sink);
  } catch (...) {
    return internal_failure<sts_result>();
  }
}

sts_result lint_sts_record(const std::vector<std::string>& strings) noexcept {
  try {
    finding_sink sink;
    const std::string joined = join_strings(strings, sink);
    return lint_sts(joined, sink);
  } catch (...) {
    return internal_failure<sts_result>();
  }
}

tlsrpt_result lint_tlsrpt_record(std::string_view text) noexcept {
  try {
    finding_sink sink;
    return lint_tlsrpt(text, sink);
  } catch (...) {
    return internal_failure<tlsrpt_result>();
  }
}

tlsrpt_result lint_tlsrpt_record(const std::vector<std::string>& strings) noexcept {
  try {
    finding_sink sink;
    const std::string joined = join_strings(strings, sink);
    return lint_tlsrpt(joined, sink);
  } catch (...) {
    return internal_failure<tlsrpt_result>();
  }
}

}  // namespace mtasts
