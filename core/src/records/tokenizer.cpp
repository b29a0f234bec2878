/**
 * @file tokenizer.cpp
 * @brief The grammar the `_mta-sts` (RFC 8461 §3.1) and `_smtp._tls`
 *        (RFC 8460 §3) TXT records share.
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
#include "tokenizer.h"

namespace mtasts::detail {
namespace {

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
                  "whitespace between " + std::string(v) + " and the first ';': the ABNF allows it, but the "
                  "record does not start with \"" + std::string(v) + ";\", the prefix " + std::string(k_.section) +
                      " filters on (erratum 6285): " +
                      std::string(k_.space_before_senders),
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
        if (end == t.size() && b < end) {
          const std::string_view seg = t.substr(a, b - a);
          sink_.add(k_.trailing_whitespace,
                    "whitespace after the last field " + quote(seg, 30) +
                        ", which the grammar allows only around ';', so the record is invalid: " +
                        std::string(k_.trailing_senders(seg.substr(0, seg.find('=')))),
                    1, col(base + b));
        }
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

}  // namespace

record_tokens tokenize(std::string_view text, const column_map& cols, const kind_codes& k, finding_sink& sink) {
  record_tokens out;
  record_tokenizer tok(text, cols, k, sink);
  out.ok = tok.run(out.fields);
  out.bad_char = tok.bad_char();
  return out;
}

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

void add_extension(extension_list& list, std::unordered_set<std::string_view>& seen, const field& f) {
  if (!seen.insert(f.name).second) return;
  list.emplace_back(std::string(f.name), std::string(f.value));
}

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

}  // namespace mtasts::detail
