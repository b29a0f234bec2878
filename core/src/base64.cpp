/**
 * @file base64.cpp
 * @brief RFC 4648 §4 and §5 (base64.h). Written here because it is twenty
 *        lines and the core takes no dependency for it; the JS side uses the
 *        platform's btoa() instead.
 */
#include "mtasts/base64.h"

namespace mtasts {

std::string base64_encode(const std::uint8_t* data, std::size_t size, base64_alphabet alphabet) noexcept {
  const char* const table = alphabet == base64_alphabet::url
                                ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                                : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const bool pad = alphabet == base64_alphabet::standard;
  std::string out;
  if (data == nullptr || size == 0) return out;
  out.reserve((size + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= size; i += 3) {
    const std::uint32_t v = (std::uint32_t{data[i]} << 16) | (std::uint32_t{data[i + 1]} << 8) | data[i + 2];
    out += table[(v >> 18) & 63];
    out += table[(v >> 12) & 63];
    out += table[(v >> 6) & 63];
    out += table[v & 63];
  }
  const std::size_t rest = size - i;
  if (rest > 0) {
    const std::uint32_t v = (std::uint32_t{data[i]} << 16) | (rest == 2 ? std::uint32_t{data[i + 1]} << 8 : 0);
    out += table[(v >> 18) & 63];
    out += table[(v >> 12) & 63];
    if (rest == 2) out += table[(v >> 6) & 63];
    if (pad) out.append(rest == 1 ? 2 : 1, '=');
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view in) noexcept {
  std::size_t end = in.size();
  while (end > 0 && in.size() - end < 2 && in[end - 1] == '=') --end;
  if (end < in.size() && in.size() % 4 != 0) return std::nullopt;  // padding only completes a quantum
  if (end % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(end / 4 * 3 + 2);
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::size_t i = 0; i < end; ++i) {
    const char c = in[i];
    std::uint32_t v;
    if (c >= 'A' && c <= 'Z') v = static_cast<std::uint32_t>(c - 'A');
    else if (c >= 'a' && c <= 'z') v = static_cast<std::uint32_t>(c - 'a' + 26);
    else if (c >= '0' && c <= '9') v = static_cast<std::uint32_t>(c - '0' + 52);
    else if (c == '+' || c == '-') v = 62;
    else if (c == '/' || c == '_') v = 63;
    else return std::nullopt;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

}  // namespace mtasts
