/**
 * @file base64.h
 * @brief Base64 (RFC 4648 §4) and base64url (§5): the one implementation,
 *        for the `dns` parameter of a DoH GET (RFC 8484 §4.1, §6: base64url
 *        without padding) and for bytes inside the JSON of the check's
 *        state (base64 with padding).
 */
#ifndef MTASTS_BASE64_H
#define MTASTS_BASE64_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mtasts {

enum class base64_alphabet : std::uint8_t {
  standard,  ///< RFC 4648 §4, `+` `/`, padded with `=`
  url,       ///< RFC 4648 §5, `-` `_`, no padding (RFC 8484 §6 forbids it)
};

[[nodiscard]] std::string base64_encode(const std::uint8_t* data, std::size_t size,
                                        base64_alphabet alphabet = base64_alphabet::standard) noexcept;
[[nodiscard]] inline std::string base64_encode(std::string_view bytes,
                                               base64_alphabet alphabet = base64_alphabet::standard) noexcept {
  return base64_encode(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size(), alphabet);
}
[[nodiscard]] inline std::string base64_encode(const std::vector<std::uint8_t>& bytes,
                                               base64_alphabet alphabet = base64_alphabet::standard) noexcept {
  return base64_encode(bytes.data(), bytes.size(), alphabet);
}

/**
 * Decodes either alphabet (a mix too), with or without padding; whitespace is
 * not allowed. nullopt for any other character, padding anywhere but at the
 * end, or a length no encoder produces (one character past a multiple of 4).
 */
[[nodiscard]] std::optional<std::string> base64_decode(std::string_view text) noexcept;

}  // namespace mtasts

#endif
