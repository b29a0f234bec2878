/**
 * @file idna.cpp
 * @brief Punycode (RFC 3492 §6) and the A-label and U-label forms of a name
 *        (idna.h says why the core does it, and what it leaves out).
 */
#include "idna.h"

#include <cstdint>
#include <limits>

#include "text.h"

namespace mtasts::detail {
namespace {

// RFC 3492 §5: the parameters of Punycode.
constexpr std::uint32_t base = 36, tmin = 1, tmax = 26, skew = 38, damp = 700;
constexpr std::uint32_t initial_bias = 72, initial_n = 0x80;
constexpr std::uint32_t maxint = std::numeric_limits<std::uint32_t>::max();

/** §6.1 */
std::uint32_t adapt(std::uint32_t delta, std::uint32_t points, bool first) {
  delta = first ? delta / damp : delta / 2;
  delta += delta / points;
  std::uint32_t k = 0;
  while (delta > ((base - tmin) * tmax) / 2) {
    delta /= base - tmin;
    k += base;
  }
  return k + (((base - tmin + 1) * delta) / (delta + skew));
}

std::uint32_t threshold(std::uint32_t k, std::uint32_t bias) {
  return k <= bias ? tmin : k >= bias + tmax ? tmax : k - bias;
}

char digit_char(std::uint32_t d) { return static_cast<char>(d < 26 ? 'a' + d : '0' + (d - 26)); }

/** The value of a Punycode digit (either case), or base when it is not one. */
std::uint32_t digit_value(char c) {
  if (c >= '0' && c <= '9') return static_cast<std::uint32_t>(c - '0') + 26;
  if (c >= 'a' && c <= 'z') return static_cast<std::uint32_t>(c - 'a');
  if (c >= 'A' && c <= 'Z') return static_cast<std::uint32_t>(c - 'A');
  return base;
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

/** The code points of well-formed UTF-8; false otherwise. */
bool utf8_decode(std::string_view s, std::u32string& out) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t len = utf8_sequence_length(s, i);
    if (len == 0) return false;
    const auto b = [&](std::size_t k) { return static_cast<char32_t>(static_cast<unsigned char>(s[i + k])); };
    char32_t c = len == 1   ? b(0)
                 : len == 2 ? ((b(0) & 0x1F) << 6) | (b(1) & 0x3F)
                 : len == 3 ? ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F)
                            : ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
    out += c;
    i += len;
  }
  return true;
}

std::string code_point_name(char32_t c) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out = "U+";
  const int digits = c > 0xFFFF ? 5 : 4;
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out += hex[(c >> shift) & 0xF];
  return out;
}

/**
 * A capital letter UTS #46 would lower-case, in the blocks where that is a
 * rule of thumb (no table): Latin-1, Latin Extended-A, basic Greek and
 * Cyrillic, and fullwidth Latin (which it maps to ASCII).
 */
bool is_capital(char32_t c) {
  if (c >= 0xC0 && c <= 0xDE) return c != 0xD7;
  if (c >= 0x100 && c <= 0x137) return c % 2 == 0;
  if (c >= 0x139 && c <= 0x148) return c % 2 == 1;
  if (c >= 0x14A && c <= 0x177) return c % 2 == 0;
  if (c == 0x178) return true;
  if (c >= 0x179 && c <= 0x17E) return c % 2 == 1;
  if (c == 0x386 || (c >= 0x388 && c <= 0x38F) || (c >= 0x391 && c <= 0x3AB)) return c != 0x38B && c != 0x38D && c != 0x3A2;
  if (c >= 0x400 && c <= 0x42F) return true;
  return c >= 0xFF21 && c <= 0xFF3A;
}

/** A combining mark of the block every Latin, Greek and Cyrillic accent has a precomposed form for. */
bool is_combining(char32_t c) { return c >= 0x300 && c <= 0x36F; }

/** A character a name shown to a person must not carry: controls, bidi and format characters, dots in disguise. */
bool unsafe_to_show(char32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0xAD || (c >= 0x200B && c <= 0x200F) ||
         (c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x206F) || c == 0xFEFF || c == 0x3002 ||
         c == 0xFF0E || c == 0xFF61 || (c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF;
}

/** RFC 3490 §3.1: the ideographic full stop and its fullwidth and halfwidth forms separate labels too. */
bool is_dot(char32_t c) { return c == '.' || c == 0x3002 || c == 0xFF0E || c == 0xFF61; }

}  // namespace

bool punycode_encode(std::u32string_view input, std::string& out) {
  std::uint32_t n = initial_n, delta = 0, bias = initial_bias;
  std::uint32_t basic = 0;
  for (char32_t c : input)
    if (c < 0x80) {
      out += static_cast<char>(c);
      ++basic;
    }
  if (basic > 0) out += '-';
  const auto length = static_cast<std::uint32_t>(input.size());
  if (input.size() > maxint / 2) return false;
  std::uint32_t h = basic;
  while (h < length) {
    std::uint32_t m = maxint;
    for (char32_t c : input)
      if (c >= n && c < m) m = static_cast<std::uint32_t>(c);
    if (m - n > (maxint - delta) / (h + 1)) return false;
    delta += (m - n) * (h + 1);
    n = m;
    for (char32_t c : input) {
      if (c < n && ++delta == 0) return false;
      if (c != n) continue;
      std::uint32_t q = delta;
      for (std::uint32_t k = base;; k += base) {
        const std::uint32_t t = threshold(k, bias);
        if (q < t) break;
        out += digit_char(t + (q - t) % (base - t));
        q = (q - t) / (base - t);
      }
      out += digit_char(q);
      bias = adapt(delta, h + 1, h == basic);
      delta = 0;
      ++h;
    }
    ++delta;
    ++n;
  }
  return true;
}

bool punycode_decode(std::string_view input, std::u32string& out) {
  out.clear();
  const std::size_t dash = input.rfind('-');
  std::size_t in = 0;
  if (dash != std::string_view::npos) {
    for (std::size_t j = 0; j < dash; ++j) {
      if (static_cast<unsigned char>(input[j]) >= 0x80) return false;
      out += static_cast<char32_t>(input[j]);
    }
    in = dash + 1;
  }
  std::uint32_t n = initial_n, i = 0, bias = initial_bias;
  while (in < input.size()) {
    const std::uint32_t old_i = i;
    std::uint32_t w = 1;
    for (std::uint32_t k = base;; k += base) {
      if (in >= input.size()) return false;
      const std::uint32_t digit = digit_value(input[in++]);
      if (digit >= base || digit > (maxint - i) / w) return false;
      i += digit * w;
      const std::uint32_t t = threshold(k, bias);
      if (digit < t) break;
      if (w > maxint / (base - t)) return false;
      w *= base - t;
    }
    const auto points = static_cast<std::uint32_t>(out.size() + 1);
    bias = adapt(i - old_i, points, old_i == 0);
    if (i / points > maxint - n) return false;
    n += i / points;
    i %= points;
    if (n < 0x80 || n > 0x10FFFF || (n >= 0xD800 && n <= 0xDFFF)) return false;
    out.insert(out.begin() + i, static_cast<char32_t>(n));
    ++i;
  }
  return true;
}

a_label_form to_a_labels(std::string_view name) {
  a_label_form out;
  std::u32string cps;
  if (!utf8_decode(name, cps)) return out;
  std::string result;
  std::size_t start = 0;
  for (;;) {
    std::size_t end = start;
    while (end < cps.size() && !is_dot(cps[end])) ++end;
    std::u32string label = cps.substr(start, end - start);
    bool ascii = true;
    for (char32_t& c : label) {
      if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
      if (c < 0x80) continue;
      ascii = false;
      if (out.problem.empty() && (is_capital(c) || is_combining(c))) {
        std::string shown, written;
        append_utf8(shown, c);
        for (char32_t l : cps.substr(start, end - start)) append_utf8(written, l);
        out.problem = "the label " + quote(written) + " holds " +
                      (is_capital(c) ? "the capital letter " + quote(shown) + " (" + code_point_name(c) +
                                           "), which the IDNA mapping (UTS #46) lower-cases before encoding"
                                     : "the combining mark " + code_point_name(c) +
                                           ", so it may not be in NFC, the composed form IDNA encodes");
      }
    }
    if (ascii) {
      for (char32_t c : label) result += static_cast<char>(c);
    } else {
      std::string puny;
      if (!punycode_encode(label, puny)) return out;
      result += "xn--" + puny;
    }
    if (end == cps.size()) break;
    result += '.';
    start = end + 1;
  }
  if (out.problem.empty()) out.name = std::move(result);
  return out;
}

std::string to_u_labels(std::string_view name) {
  std::string out;
  bool any = false;
  std::size_t start = 0;
  for (;;) {
    std::size_t end = name.find('.', start);
    if (end == std::string_view::npos) end = name.size();
    const std::string label = lower(name.substr(start, end - start));
    if (starts_with(label, "xn--")) {
      std::u32string cps;
      if (!punycode_decode(std::string_view(label).substr(4), cps)) return {};
      bool non_ascii = false;
      for (char32_t c : cps) {
        if (unsafe_to_show(c)) return {};
        non_ascii = non_ascii || c >= 0x80;
      }
      // RFC 5891 §5.4: an A-label is the encoding of its own decoding.
      std::string again;
      if (!non_ascii || !punycode_encode(cps, again) || "xn--" + again != label) return {};
      for (char32_t c : cps) append_utf8(out, c);
      any = true;
    } else {
      out += label;
    }
    if (end == name.size()) break;
    out += '.';
    start = end + 1;
  }
  return any ? out : std::string();
}

}  // namespace mtasts::detail
