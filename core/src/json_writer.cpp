/**
 * @file json_writer.cpp
 * @brief The JSON writer of json_writer.h.
 */
#include "json_writer.h"

#include <cmath>

#include "text.h"

namespace mtasts::detail {

void json_writer::string(std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out_ += '"';
  for (std::size_t i = 0; i < s.size();) {
    // Copy a run of plain ASCII in one append: a character at a time costs a
    // call each in WebAssembly, and a 64 KB policy's report is mostly runs.
    std::size_t run = i;
    while (run < s.size()) {
      const auto r = static_cast<unsigned char>(s[run]);
      if (r < 0x20 || r >= 0x80 || r == '"' || r == '\\') break;
      ++run;
    }
    if (run > i) {
      out_.append(s.data() + i, run - i);
      i = run;
      continue;
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const std::size_t n = utf8_multibyte_length(s, i);
      if (n == 0) {
        out_ += "\xEF\xBF\xBD";  // U+FFFD for a byte outside well-formed UTF-8
        ++i;
      } else {
        out_.append(s.data() + i, n);
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"': out_ += "\\\""; break;
      case '\\': out_ += "\\\\"; break;
      case '\b': out_ += "\\b"; break;
      case '\f': out_ += "\\f"; break;
      case '\n': out_ += "\\n"; break;
      case '\r': out_ += "\\r"; break;
      case '\t': out_ += "\\t"; break;
      default:
        if (c < 0x20) {
          out_ += "\\u00";
          out_ += hex[c >> 4];
          out_ += hex[c & 15];
        } else {
          out_ += static_cast<char>(c);
        }
    }
    ++i;
  }
  out_ += '"';
}

json_writer& json_writer::value(double d) {
  if (!std::isfinite(d)) return null();
  separate();
  // Thousandths, rounded; written without a trailing zero or point.
  const bool neg = d < 0;
  const double scaled = std::round(std::fabs(d) * 1000.0);
  if (scaled >= 9e15) {  // beyond exact integers: whole units are plenty
    out_ += std::to_string(static_cast<long long>(d));
    return *this;
  }
  auto milli = static_cast<unsigned long long>(scaled);
  if (neg && milli != 0) out_ += '-';
  out_ += std::to_string(milli / 1000);
  if (auto frac = milli % 1000; frac != 0) {
    char digits[4] = {static_cast<char>('0' + frac / 100), static_cast<char>('0' + frac / 10 % 10),
                      static_cast<char>('0' + frac % 10), 0};
    std::size_t len = 3;
    while (digits[len - 1] == '0') --len;
    out_ += '.';
    out_.append(digits, len);
  }
  return *this;
}

json_writer& json_writer::finding(const mtasts::finding& f, const char* check, bool with_check) {
  begin_object();
  key("code").value(code_name(f.code));
  key("severity").value(severity_name(code_severity(f.code)));
  key("message").value(f.message);
  if (f.line != 0) {
    key("line").value(f.line);
    key("column").value(f.column);
  }
  if (!code_rfc(f.code).empty()) key("rfc").value(code_rfc(f.code));
  key("fix").value(code_fix(f.code));
  if (with_check) {
    key("check");
    if (check == nullptr) null();
    else value(check);
  }
  return end_object();
}

}  // namespace mtasts::detail
