/**
 * @file tlsrpt_record.cpp
 * @brief The `_smtp._tls` TXT record (RFC 8460 §3, records.h): the shared
 *        grammar (tokenizer.h), then the `rua` field and its URIs:
 *
 *   tlsrpt-rua = %s"rua=" tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri)
 *   tlsrpt-uri = URI  ; RFC 3986, with "," "!" ";" percent-encoded
 */
#include "tokenizer.h"

namespace mtasts {
namespace {

using namespace detail;

/** The TLS-RPT table of docs/SENDERS.md: whitespace after the last field, no final ';'. */
std::string_view tlsrpt_trailing_senders(std::string_view last) {
  if (last == "rua")
    return "after rua, the reporters we know (mox, Stalwart, Postfix's tlsrpt-reporter) trim it, but a reporter "
           "that follows RFC 8460's grammar discards the record";
  return "mox discards the record (it allows no whitespace after an extension value); Stalwart and Postfix's "
         "tlsrpt-reporter ignore it";
}

constexpr kind_codes tlsrpt_codes{
    "v=TLSRPTv1",
    "TLS-RPT record",
    "RFC 8460 §3",
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
    "Postfix accepts it, but its tlsrpt-reporter requires \"v=TLSRPTv1;\" and sends no report; Stalwart and "
    "mox accept it",
    &tlsrpt_trailing_senders,
};


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

/**
 * usable: a reporter can send to it; unusable: well-formed, but no reporter
 * can deliver there (another scheme, a mailto: without an address, an https:
 * URL without a host); broken: not a URI (already an error of its own).
 */
enum class uri_verdict { usable, unusable, broken };

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
    // The address ends at a query ("?subject=..."), which reporters drop.
    const std::string_view address = rest.substr(0, rest.find('?'));
    const std::size_t at = address.find('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == address.size()) {
      sink.add(code::tlsrpt_rua_mailto_no_at,
               address.empty()
                   ? "URI " + quote(u) + " has no address: mox and Stalwart skip it, Postfix's tlsrpt-reporter "
                                         "mails reports with an empty To:"
                   : "URI " + quote(u) + " is not a full mail address (local-part@domain): mox skips it, "
                                         "Stalwart and Postfix's tlsrpt-reporter mail reports to " +
                         quote(address) + ", which cannot be delivered",
               1, col(s + 1));
      return uri_verdict::unusable;
    }
    return uri_verdict::usable;
  }
  if (iequals(scheme, "https")) {
    bool host = rest.size() > 2 && rest.substr(0, 2) == "//" && rest[2] != '/' && rest[2] != '?' && rest[2] != '#';
    if (!host) {
      sink.add(code::tlsrpt_rua_https_no_host,
               "URI " + quote(u) + " has no host after https://: Stalwart and Postfix's tlsrpt-reporter fail to "
                                   "upload reports to it (mox sends no https: reports at all)",
               1, col(s + 1));
      return uri_verdict::unusable;
    }
    return uri_verdict::usable;
  }
  // The TLS-RPT table of docs/SENDERS.md: "other scheme".
  std::string msg = "URI " + quote(u) + " uses the scheme " + quote(scheme) +
                    ", and reporters send only to mailto: and https: URIs";
  if (iequals(scheme, "http")) msg += " (use https:)";
  msg += ": Postfix's tlsrpt-reporter then drops every destination of the record, Stalwart this URI and every "
         "one after it, mox skips it";
  sink.add(code::tlsrpt_rua_scheme, msg, 1, col(0));
  return uri_verdict::unusable;
}

tlsrpt_result lint_tlsrpt(std::string_view text, finding_sink& sink) {
  tlsrpt_result r;
  const column_map cols(text);
  const record_tokens tok = tokenize(text, cols, tlsrpt_codes, sink);
  std::unordered_set<std::string_view> seen;
  tlsrpt_record rec;
  bool have_rua = false;
  const field* case_rua = nullptr;
  if (tok.ok) {
    for (const auto& f : tok.fields) {
      if (f.name == "rua") {
        if (!have_rua && &f != &tok.fields.front()) {
          // The TLS-RPT table of docs/SENDERS.md: "rua not the first field after v".
          const field& first = tok.fields.front();
          sink.add(code::tlsrpt_rua_not_first,
                   "rua comes after " + quote(std::string(first.name) + "=" + std::string(first.value), 30) +
                       ": RFC 8460 allows any order, but Postfix's tlsrpt-reporter reads only the field right "
                       "after v=TLSRPTv1 and, unless it is rua, sends no report; Stalwart and mox accept it",
                   1, cols.at(f.name_off));
        }
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
        bool space_said = false;
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
          if (p > 0 && a > p && !u.empty() && !space_said) {
            // The TLS-RPT table of docs/SENDERS.md: "space after comma".
            space_said = true;
            sink.add(code::tlsrpt_rua_whitespace,
                     "whitespace after the comma before " + quote(u, 30) +
                         ": the ABNF allows it, but Postfix's tlsrpt-reporter splits rua at ',' only, finds a "
                         "destination that does not start with mailto: or https:, and sends no report to any "
                         "destination; Stalwart and mox accept it",
                     1, cols.at(f.value_off + p));
          }
          if (u.empty()) {
            sink.add(code::tlsrpt_rua_invalid, "rua has an empty entry in its comma-separated list", 1,
                     cols.at(f.value_off + a));
            ++broken;
          } else {
            switch (check_uri(u, f.value_off + a, cols, sink, tok.bad_char)) {
              case uri_verdict::usable: ++usable; break;
              case uri_verdict::unusable: ++unusable; break;
              case uri_verdict::broken: ++broken; break;
            }
            rec.rua.emplace_back(u);
          }
          if (comma == v.size()) break;
          p = comma + 1;
        }
        if (usable == 0 && broken == 0)
          sink.add(code::tlsrpt_rua_none_usable,
                   "rua lists no usable destination (a mailto: URI with a full address, or an https: URL with a "
                   "host), so reporters have nowhere to send reports",
                   1,
                   cols.at(f.value_off));
        const std::size_t destinations = rec.rua.size();  // empty entries are not destinations
        if (destinations > 1)
          sink.add(code::tlsrpt_rua_multiple,
                   "rua lists " + std::to_string(destinations) +
                       " destinations; reporters may send to all of them or to only one",
                   1, cols.at(f.value_off));
        continue;
      }
      if (!check_ext_value(f, cols, tlsrpt_codes, sink, tok.bad_char)) continue;
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

}  // namespace

tlsrpt_result lint_tlsrpt_record(std::string_view text) noexcept {
  finding_sink sink;
  return lint_tlsrpt(text, sink);
}

tlsrpt_result lint_tlsrpt_record(const std::vector<std::string>& strings) noexcept {
  finding_sink sink;
  const std::string joined = join_strings(strings, sink);
  return lint_tlsrpt(joined, sink);
}

}  // namespace mtasts
